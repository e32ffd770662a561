"""What one person may see of the stored runs and subscriptions, checked against Slack on every use.

Every listener that reads a stored run calls `require_run_access` (buttons, modals, commands) or lists through
`runs_visible_to` / `subscriptions_visible_to` (App Home, `/segment subscriptions`); button values and run ids
are never trusted on their own, since anyone can replay them.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.access import NOT_A_MEMBER, NOT_IN_THIS_CONVERSATION, AccessDeniedError
from bot.slack.runtime import SlackRuntime
from bot.storage.runs import RunRepository, StoredRun
from bot.storage.subscriptions import Subscription, SubscriptionRepository


def require_run_access(runtime: SlackRuntime, client: WebClient, run: StoredRun, user_id: str) -> StoredRun:
    """`run` when `user_id` is in the conversation it came from; `AccessDeniedError` otherwise."""
    if not runtime.access.is_member(client, run.workspace_id, run.channel_id, user_id):
        raise AccessDeniedError(NOT_A_MEMBER)
    return run


def require_conversation_access(
    runtime: SlackRuntime, client: WebClient, workspace_id: str, channel_id: str, user_id: str
) -> None:
    """Before showing a conversation's runs to `user_id` (a slash command typed there)."""
    if not runtime.access.is_member(client, workspace_id, channel_id, user_id):
        raise AccessDeniedError(NOT_IN_THIS_CONVERSATION)


def runs_visible_to(
    runtime: SlackRuntime, client: WebClient, workspace_id: str, user_id: str, *, limit: int
) -> list[StoredRun]:
    """The newest runs of the conversations `user_id` is in (App Home)."""
    repository = RunRepository(runtime.engine)
    channels = runtime.access.visible_channels(client, workspace_id, user_id, repository.channels(workspace_id))
    if not channels:
        return []
    return repository.recent(workspace_id, channel_ids=channels, limit=limit)


def subscriptions_visible_to(
    runtime: SlackRuntime, client: WebClient, workspace_id: str, user_id: str
) -> list[Subscription]:
    """The digest subscriptions of the conversations `user_id` is in."""
    found = SubscriptionRepository(runtime.engine).list(workspace_id)
    channels = runtime.access.visible_channels(client, workspace_id, user_id, {s.channel_id for s in found})
    return [s for s in found if s.channel_id in channels]
