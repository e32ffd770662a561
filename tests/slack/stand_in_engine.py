"""TEMPORARY: a stand-in for segmentation.segment while the engine is a placeholder (removed when it lands)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from segmentation.errors import UnreadableFileError
from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, SegmentationResult, SegmentProfile


def stand_in_segment(data, *, k=None, seed=0, columns=None, exclude=None) -> SegmentationResult:
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except Exception as error:
        raise UnreadableFileError(
            "This file is not a table Segbot can read; upload a CSV, TSV or XLSX file."
        ) from error
    if frame.shape[1] < 2 or b"\x00" in data:
        raise UnreadableFileError("This file is not a table Segbot can read; upload a CSV, TSV or XLSX file.")
    k = k or 3
    labels = np.arange(len(frame)) % k
    segments = tuple(
        SegmentProfile(
            id=i,
            size=int((labels == i).sum()),
            share=float((labels == i).mean()),
            name=f"Group {i}",
            features=(
                FeatureEffect(str(frame.columns[0]), "numeric", str(frame.columns[0]), None, 1.0 + i, 1.0, 0.5 + i),
            ),
            audience=AudienceMix(),
            stability=0.8,
        )
        for i in range(k)
    )
    return SegmentationResult(
        labels=labels,
        segments=segments,
        k=k,
        k_scores={k: 0.5},
        k_reason="stand-in",
        stability=0.8,
        columns=tuple(ColumnRole(str(c), "numeric", True, "numbers") for c in frame.columns),
        n_rows=len(frame),
        audience=AudienceMix(),
        seed=seed,
    )
