"""The one error hook of the Bolt app: people get a sentence (with a reference id when it is our fault)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk.errors import SlackApiError

from bot.errors import SegbotError, error_reference
from bot.report.render import RenderedMessage, render_error
from bot.slack.failures import explain, is_permanent, sentence_for_user
from segmentation.errors import SegmentationError

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side."


def handle_error(error: Exception, body: dict[str, Any], context: BoltContext) -> None:
    if isinstance(error, SegbotError | SegmentationError):
        log.info("told the user (team %s): %s", context.team_id, error)
        _tell(context, render_error(str(error)))
        return
    if isinstance(error, SlackApiError) and is_permanent(error):
        log.warning("Slack refused a call for team %s: %s", context.team_id, explain(error))
        _tell(context, render_error(sentence_for_user(error)))
        return
    reference = error_reference()
    log.error("unexpected error handling a %s request (reference %s)", body.get("type"), reference, exc_info=error)
    _tell(context, render_error(UNEXPECTED, reference))


def _tell(context: BoltContext, message: RenderedMessage) -> None:
    """Answer the person through the request's response_url, when it has one (commands, buttons).

    Bolt gives every request a `respond`, also events and view submissions, which have no response_url.
    """
    if context.respond is None or not getattr(context.respond, "response_url", None):
        return
    try:
        context.respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)
    except Exception:
        log.warning("could not send an error message through response_url", exc_info=True)


@contextmanager
def acknowledged(ack: Ack, body: dict[str, Any], context: BoltContext) -> Iterator[None]:
    """Acknowledge, then run the block, sending its errors to `handle_error` here.

    Bolt's own error path answers a listener that fails within moments of `ack()` with HTTP 404 (the ack is
    lost), so commands, buttons and form submissions report their errors themselves.
    """
    ack()
    try:
        yield
    except Exception as error:
        handle_error(error, body, context)
