"""Errors the application raises for people to read: one sentence saying what went wrong and what to do.

Raised where the problem is found; turned into a message once, at the edge (CLI exit code 2, Slack reply).
"""


class SegbotError(Exception):
    """Base class for problems a user or admin can fix; the message is shown as it is."""


class ConfigurationError(SegbotError):
    """A setting is missing or malformed."""


class NotFoundError(SegbotError):
    """A named thing (run, dataset, influencer, subscription) does not exist in this workspace."""
