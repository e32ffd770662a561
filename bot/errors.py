"""Errors the application raises for people to read: one sentence saying what went wrong and what to do.

Raised where the problem is found; turned into a message once, at the edge (CLI exit code 2, Slack reply).
"""

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
