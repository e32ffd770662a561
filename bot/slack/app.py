"""`create_app`: the one place the Bolt app is wired (client, OAuth or token, errors, listeners)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from sqlalchemy import Engine

from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.slack.authorize import InstalledBotAuthorize
from bot.slack.client import build_web_client
from bot.slack.error_handler import handle_error
from bot.slack.listeners import register_all
from bot.slack.oauth import build_oauth_settings, oauth_enabled
from bot.slack.runtime import SlackRuntime, build_runtime
from bot.slack.tokens import bot_tokens

LISTENER_THREADS = 32


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    runtime: SlackRuntime | None = None,
    token_verification_enabled: bool = True,
) -> App:
    """The Bolt app for `settings`; pass the `runtime` the workers share (built here when omitted)."""
    runtime = runtime or build_slack_runtime(settings, engine)
    options: dict[str, Any] = {
        "signing_secret": settings.slack_signing_secret or "",
        "listener_executor": ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="segbot-listener"),
        "token_verification_enabled": token_verification_enabled,
    }
    if oauth_enabled(settings):
        assert runtime.tokens.store is not None, "the runtime of an OAuth app has an installation store"
        options["oauth_settings"] = build_oauth_settings(settings, engine, runtime.tokens.store)
        options["authorize"] = InstalledBotAuthorize(runtime.tokens)
        options["client"] = build_web_client(settings)
    elif settings.slack_bot_token:
        # Bolt takes the token from the client it is given.
        options["client"] = build_web_client(settings, settings.slack_bot_token)
    else:
        require_credentials(settings)
    if not settings.slack_signing_secret and not settings.slack_app_token:
        raise ConfigurationError(
            "SLACK_SIGNING_SECRET is not set; copy it from your Slack app's Basic Information page."
        )
    app = _checked_app(settings, options)
    app.error(handle_error)
    register_all(app, runtime)
    return app


def require_credentials(settings: Settings) -> None:
    """A `ConfigurationError` when neither a bot token nor an OAuth install is configured."""
    if not settings.slack_bot_token and not oauth_enabled(settings):
        raise ConfigurationError(
            "Segbot has no Slack credentials; set SLACK_BOT_TOKEN (one workspace) or "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (installs through OAuth)."
        )


def _checked_app(settings: Settings, options: dict[str, Any]) -> App:
    """The Bolt app; Bolt checks a bot token with auth.test here, so a wrong token or no route to Slack shows now."""
    try:
        return App(logger=_bolt_logger(), **options)
    except BoltError as error:
        refusal = getattr(getattr(error.__context__, "response", None), "get", lambda _key: None)("error")
        if refusal is None:
            raise
        raise ConfigurationError(
            f"Slack refused SLACK_BOT_TOKEN ({refusal}); copy the Bot User OAuth Token (xoxb-...) from your "
            "Slack app's OAuth & Permissions page again."
        ) from error
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConfigurationError(
            f"Could not reach Slack's Web API at {settings.slack_api_url} ({reason}); check the network "
            "and SLACK_API_URL."
        ) from error


def build_slack_runtime(settings: Settings, engine: Engine) -> SlackRuntime:
    """The runtime with bot tokens from the OAuth installation store when OAuth is on."""
    return build_runtime(settings, engine, bot_tokens(settings, engine))


class _WithoutTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that the client's token wins; here they are the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(existing, _WithoutTokenNotice) for existing in logger.filters):
        logger.addFilter(_WithoutTokenNotice())
    return logger
