"""Exceptions raised by the analysis, each carrying one plain sentence for the person who gave us the file."""


class SegmentationError(Exception):
    """Base class: the message is a complete sentence saying what went wrong and what to do."""


class UnreadableFileError(SegmentationError):
    """The bytes are not a table we can read (empty, binary, HTML, wrong format)."""


class UnusableDataError(SegmentationError):
    """The table was read but cannot be segmented (too few rows, no usable columns, all constant)."""


class InvalidOptionError(SegmentationError):
    """An option does not fit the data (unknown column name, k out of range)."""
