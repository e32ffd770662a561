"""The one place that reads the environment: a frozen `Settings` built from env vars (and `.env`)."""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigurationError
from segmentation.limits import ReadLimits

_LIMITS = ReadLimits()


class Settings(BaseSettings):
    """Every setting Segbot reads; each is documented in README.md and deploy/.env.example."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    database_url: str = Field(default="sqlite:///segbot.db", alias="DATABASE_URL")
    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_state_secret: str | None = Field(default=None, alias="SLACK_STATE_SECRET")
    workers: int = Field(default=2, ge=0, alias="SEGBOT_WORKERS")
    broker_url: str | None = Field(default=None, alias="SEGBOT_BROKER_URL")
    job_lease_seconds: float = Field(default=30, ge=2, alias="SEGBOT_JOB_LEASE")
    unsent_job_seconds: float = Field(default=60, ge=1, alias="SEGBOT_UNSENT_JOB_SECONDS")
    broker_queue: str = Field(default="segbot-jobs", pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", alias="SEGBOT_BROKER_QUEUE")
    max_upload_mb: float = Field(default=200, gt=0, alias="SEGBOT_MAX_UPLOAD_MB")
    secret_key: str | None = Field(default=None, alias="SEGBOT_SECRET_KEY")
    digest_min_segment: int = Field(default=10, ge=1, alias="SEGBOT_DIGEST_MIN_SEGMENT")
    source_timeout_seconds: float = Field(default=30, gt=0, alias="SEGBOT_SOURCE_TIMEOUT")
    source_max_mb: float = Field(default=200, gt=0, alias="SEGBOT_SOURCE_MAX_MB")
    max_input_mb: int = Field(default=_LIMITS.max_input_mb, ge=1, alias="SEGBOT_MAX_INPUT_MB")
    max_rows: int = Field(default=_LIMITS.max_rows, ge=1, alias="SEGBOT_MAX_ROWS")
    max_columns: int = Field(default=_LIMITS.max_columns, ge=1, alias="SEGBOT_MAX_COLUMNS")
    max_cells: int = Field(default=_LIMITS.max_cells, ge=1, alias="SEGBOT_MAX_CELLS")
    max_xlsx_cells: int = Field(default=_LIMITS.max_xlsx_cells, ge=1, alias="SEGBOT_MAX_XLSX_CELLS")
    max_cell_chars: int = Field(default=_LIMITS.max_cell_chars, ge=1, alias="SEGBOT_MAX_CELL_CHARS")
    max_line_kb: int = Field(default=_LIMITS.max_line_kb, ge=1, alias="SEGBOT_MAX_LINE_KB")
    max_compression_ratio: int = Field(
        default=_LIMITS.max_compression_ratio, ge=1, alias="SEGBOT_MAX_COMPRESSION_RATIO"
    )
    source_allowed_hosts: str = Field(default="", alias="SEGBOT_SOURCE_ALLOWED_HOSTS")
    source_ca_file: str | None = Field(default=None, alias="SEGBOT_SOURCE_CA_FILE")
    access_cache_seconds: float = Field(default=60, ge=0, alias="SEGBOT_ACCESS_CACHE_SECONDS")
    digest_any_channel: bool = Field(default=False, alias="SEGBOT_DIGEST_ANY_CHANNEL")
    retention_days: int = Field(default=90, ge=0, alias="SEGBOT_RETENTION_DAYS")
    heartbeat_file: str | None = Field(default=None, alias="SEGBOT_HEARTBEAT_FILE")
    web_processes: int = Field(default=1, ge=1, alias="SEGBOT_WEB_PROCESSES")
    web_threads: int = Field(default=8, ge=1, alias="SEGBOT_WEB_THREADS")
    request_timeout_seconds: float = Field(default=30, gt=0, alias="SEGBOT_REQUEST_TIMEOUT")
    graceful_timeout_seconds: int = Field(default=30, ge=1, alias="SEGBOT_GRACEFUL_TIMEOUT")
    health_port: int | None = Field(default=None, ge=0, le=65535, alias="SEGBOT_HEALTH_PORT")
    metrics_dir: str | None = Field(default=None, alias="SEGBOT_METRICS_DIR")
    log_level: str = Field(default="WARNING", alias="SEGBOT_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", alias="SEGBOT_LOG_FORMAT")
    dask_scheduler: str | None = Field(default=None, alias="SEGBOT_DASK_SCHEDULER")
    engine_processes: int | None = Field(default=None, ge=1, alias="SEGBOT_ENGINE_PROCESSES")
    debug: bool = Field(default=False, alias="SEGBOT_DEBUG")

    def read_limits(self) -> ReadLimits:
        """The limits every reader (uploads, CLI files, catalog imports, dataset sources) works within."""
        return ReadLimits(**{limit.name: getattr(self, limit.name) for limit in fields(ReadLimits)})

    @field_validator("slack_api_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("use an http(s):// address such as https://slack.com/api/")
        return value if value.endswith("/") else f"{value}/"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


def load_settings() -> Settings:
    """Settings from the process environment (and a `.env` file in the working directory, if any)."""
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else "a setting"
        raise ConfigurationError(
            f"The setting {name}={problem.get('input')!r} is not valid ({_reason(problem['msg'])}); "
            "fix it in the environment or in .env (see deploy/.env.example)."
        ) from error


def _reason(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
