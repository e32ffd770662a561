"""Web API clients: every one points at SLACK_API_URL and retries rate limits, server and connection errors."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

TIMEOUT_SECONDS = 30


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A client for `token` (or none, for Bolt to fill in per request) with Segbot's retry policy."""
    return WebClient(
        token=token,
        base_url=api_base_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def api_base_url(settings: Settings) -> str:
    """SLACK_API_URL with the trailing slash slack_sdk's URL joining needs."""
    return settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
