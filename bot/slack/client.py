"""Web API clients: every one points at SLACK_API_URL, retries rate limits, server and connection errors, and counts
its errors and 429s in the metrics (segbot_slack_api_errors_total, segbot_slack_rate_limited_total)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse

from bot.metrics import SLACK_API_ERRORS, SLACK_RATE_LIMITED
from bot.settings import Settings

TIMEOUT_SECONDS = 30


class CountedWebClient(WebClient):
    """A WebClient whose failed calls are counted by method and Slack's error code (or `connection`)."""

    def api_call(self, api_method: str, *args: Any, **kwargs: Any) -> SlackResponse:
        try:
            return super().api_call(api_method, *args, **kwargs)
        except SlackApiError as error:
            SLACK_API_ERRORS.labels(method=api_method, error=str(error.response.get("error") or "unknown")).inc()
            raise
        except OSError:
            SLACK_API_ERRORS.labels(method=api_method, error="connection").inc()
            raise


class RateLimitCounter(RetryHandler):
    """First in the retry chain: counts every 429 answer and leaves the retrying to the handlers after it."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=1_000_000)

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            method = request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            SLACK_RATE_LIMITED.labels(method=method).inc()
        return False


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A client for `token` (or none, for Bolt to fill in per request) with Segbot's retry policy."""
    return CountedWebClient(
        token=token,
        base_url=api_base_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            RateLimitCounter(),
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def api_base_url(settings: Settings) -> str:
    """SLACK_API_URL with the trailing slash slack_sdk's URL joining needs."""
    return settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
