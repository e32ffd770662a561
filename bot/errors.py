"""Errors the application raises for people to read: one sentence saying what went wrong and what to do.

Raised where the problem is found; turned into a message once, at the edge (CLI exit code 2, Slack reply).
"""

import errno
import uuid

REFERENCE_LENGTH = 8


class SegbotError(Exception):
    """Base class for problems a user or admin can fix; the message is shown as it is."""


class ConfigurationError(SegbotError):
    """A setting is missing or malformed."""


class NotFoundError(SegbotError):
    """A named thing (run, dataset, influencer, subscription) does not exist in this workspace."""


def error_reference() -> str:
    """A short random id for an unexpected error: told to the user and written in the log beside its traceback."""
    return uuid.uuid4().hex[:REFERENCE_LENGTH]


MEMORY = (
    "Segbot ran out of memory while working on this file; upload a smaller extract (fewer rows or columns), "
    "or give the worker more memory or lower the read limits (docs/limits.md)."
)
LOCKED = (
    "The SQLite database stayed locked by another Segbot process for longer than the 30 s Segbot waits; "
    "try again in a minute, and use PostgreSQL (DATABASE_URL) when several processes share the database."
)


NO_SPACE = (
    "The disk is full: Segbot could not write its output (no space left on the device); free some space, or "
    "write the output to another disk."
)


def environment_failure(error: BaseException) -> str | None:
    """One sentence for failures of the machine rather than of Segbot (memory, a full disk, a locked SQLite
    file), or None."""
    if isinstance(error, MemoryError):
        return MEMORY
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return NO_SPACE
    if type(error).__name__ == "OperationalError" and "database is locked" in str(error):
        return LOCKED
    return None
