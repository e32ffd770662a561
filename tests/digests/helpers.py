"""Digest test helpers: settings pointing at the fake Slack, stored dataset versions and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from bot.settings import Settings
from bot.storage.datasets import DatasetRepository
from bot.storage.runs import NewRun, RunRepository
from bot.storage.subscriptions import Schedule, Subscription, SubscriptionRepository
from segmentation.result import SegmentationResult
from tests.slack.fake_slack import FAKE_TOKEN

WORKSPACE = "T0FAKE"


def digest_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_API_URL": api_url,
        "SLACK_CLIENT_ID": None,
        "SLACK_CLIENT_SECRET": None,
        "SEGBOT_SECRET_KEY": None,
        "SEGBOT_DIGEST_MIN_SEGMENT": 10,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def store_version(
    engine: Engine, name: str, result: SegmentationResult, at: datetime, file_hash: str | None = None
) -> int:
    """A version of dataset `name`, as an upload would store it; returns its run id."""
    new_run = NewRun(
        workspace_id=WORKSPACE, dataset_name=name, file_name=f"{name}.csv", file_hash=file_hash or f"h{at}"
    )
    return RunRepository(engine).add(new_run, result, created_at=at).id


def subscribe(
    engine: Engine, name: str, schedule: Schedule, created_at: datetime, channel: str = "C0DIGEST"
) -> Subscription:
    dataset = DatasetRepository(engine).ensure(WORKSPACE, name)
    return SubscriptionRepository(engine).subscribe(WORKSPACE, dataset.id, channel, schedule, now=created_at)
