"""Segbot's analysis: audience table in, segments out. Pure: no Slack, database, network, clock or printing.

The pinned entry point is `segment(data, *, k=None, seed=0, columns=None, exclude=None)`.

The names below are imported on first use (PEP 562), so `from segmentation.errors import ...` does not pull in
pandas and scikit-learn: that keeps `segbot --help` fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segmentation.engine import segment
    from segmentation.errors import (
        InvalidOptionError,
        SegmentationError,
        UnreadableFileError,
        UnusableDataError,
    )
    from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, SegmentationResult, SegmentProfile

_HOMES = {
    "segment": "segmentation.engine",
    "InvalidOptionError": "segmentation.errors",
    "SegmentationError": "segmentation.errors",
    "UnreadableFileError": "segmentation.errors",
    "UnusableDataError": "segmentation.errors",
    "AudienceMix": "segmentation.result",
    "ColumnRole": "segmentation.result",
    "FeatureEffect": "segmentation.result",
    "SegmentationResult": "segmentation.result",
    "SegmentProfile": "segmentation.result",
}

__all__ = [
    "AudienceMix",
    "ColumnRole",
    "FeatureEffect",
    "InvalidOptionError",
    "SegmentProfile",
    "SegmentationError",
    "SegmentationResult",
    "UnreadableFileError",
    "UnusableDataError",
    "segment",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'segmentation' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
