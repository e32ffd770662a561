"""Segbot's analysis: audience table in, segments out. Pure: no Slack, database, network, clock or printing.

The pinned entry point is `segment(data, *, k=None, seed=0, columns=None, exclude=None)`.
"""

from segmentation.engine import segment
from segmentation.errors import (
    InvalidOptionError,
    SegmentationError,
    UnreadableFileError,
    UnusableDataError,
)
from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, SegmentationResult, SegmentProfile

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
