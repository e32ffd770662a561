"""Slack API errors that no retry can fix: what they mean, so a job fails once with a clear log line."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# error code -> what an admin should do about it.
PERMANENT_ERRORS: dict[str, str] = {
    "not_in_channel": "Segbot is not a member of the channel; invite it with /invite @Segbot",
    "channel_not_found": "the channel no longer exists or Segbot cannot see it",
    "is_archived": "the channel is archived",
    "invalid_auth": "the bot token is not valid; reinstall the app or update SLACK_BOT_TOKEN",
    "not_authed": "no bot token was sent; set SLACK_BOT_TOKEN or install the app",
    "token_revoked": "the bot token was revoked; reinstall the app in this workspace",
    "account_inactive": "the app was uninstalled or its account deactivated; reinstall it",
    "missing_scope": "the app lacks a scope it needs; reinstall it from deploy/manifest.yml",
    "file_not_found": "the file was deleted from Slack",
    "file_deleted": "the file was deleted from Slack",
    "ratelimited": "Slack kept rate-limiting the request after retries",
}


CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
# Slack having a bad moment: a job that met one of these is tried again later (after slack_sdk's own retries).
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})


def is_transient(error: SlackApiError) -> bool:
    status = getattr(error.response, "status_code", 200) if error.response is not None else 200
    return slack_error_code(error) in TRANSIENT_ERRORS or int(status) >= 500


def slack_error_code(error: SlackApiError) -> str:
    response = error.response
    code = response.get("error") if response is not None else None
    return str(code or "unknown_error")


def is_permanent(error: SlackApiError) -> bool:
    return slack_error_code(error) in PERMANENT_ERRORS


def explain(error: SlackApiError) -> str:
    """`<code>: <what to do>` for a log line."""
    code = slack_error_code(error)
    return f"{code}: {PERMANENT_ERRORS.get(code, 'unexpected Slack API error')}"


def sentence_for_user(error: SlackApiError) -> str:
    """What the person who asked should know (or do) when Slack refused one of Segbot's calls."""
    if slack_error_code(error) in CHANNEL_ERRORS:
        return "Segbot can't post in this channel; invite it with `/invite @Segbot` (or use a channel it is in)."
    return (
        f"Slack refused Segbot's request ({slack_error_code(error)}); "
        "ask your Slack admin to check the app's installation."
    )
