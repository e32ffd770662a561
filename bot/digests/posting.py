"""Posting a digest through Slack's Web API, telling a channel that is gone from a passing failure."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digests.rendering import RenderedDigest

# A channel answering one of these will keep answering it: pause the subscription instead of retrying.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})


class ChannelUnavailableError(Exception):
    """Slack refused the channel itself; `code` is Slack's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def post_digest(client: WebClient, channel_id: str, message: RenderedDigest) -> str:
    """Post the digest; returns the message ts. Raises ChannelUnavailableError or slack_sdk's SlackApiError."""
    try:
        response = client.chat_postMessage(
            channel=channel_id, text=message.text, blocks=message.blocks, unfurl_links=False
        )
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in CHANNEL_ERRORS:
            raise ChannelUnavailableError(code) from error
        raise
    return str(response.get("ts", ""))


def pause_reason(code: str) -> str:
    """Why a subscription was paused, for `segbot digest list` and `/segment subscriptions`."""
    reasons = {
        "channel_not_found": "the channel no longer exists or Segbot cannot see it",
        "not_in_channel": "Segbot is not a member of the channel; invite it with /invite @Segbot",
        "is_archived": "the channel is archived",
    }
    return f"Slack answered {code}: {reasons.get(code, code)}; subscribe again to resume."
