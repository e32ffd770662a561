"""Problems with a catalog file or a creator name, each with one sentence saying what to do."""

from bot.errors import NotFoundError, SegbotError


class UnusableCatalogError(SegbotError):
    """The file was read but cannot be a creator catalog (no handle or follower column, unknown platform)."""


class AmbiguousHandleError(SegbotError):
    """A handle names creators on several platforms and the command did not say which."""


class UnknownCreatorError(NotFoundError):
    """No creator with that handle in this workspace's catalog."""
