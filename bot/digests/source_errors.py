"""The error every dataset source raises: one sentence, never a URL's password or query values."""

from bot.errors import SegbotError


class SourceError(SegbotError):
    """A dataset's source could not be read (missing file, unreachable URL, failing query) or is refused."""
