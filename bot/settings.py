"""The one place that reads the environment: a frozen `Settings` built from env vars (and `.env`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    max_upload_mb: float = Field(default=200, gt=0, alias="SEGBOT_MAX_UPLOAD_MB")
    secret_key: str | None = Field(default=None, alias="SEGBOT_SECRET_KEY")
    digest_min_segment: int = Field(default=10, ge=1, alias="SEGBOT_DIGEST_MIN_SEGMENT")
    source_timeout_seconds: float = Field(default=30, gt=0, alias="SEGBOT_SOURCE_TIMEOUT")
    source_max_mb: float = Field(default=200, gt=0, alias="SEGBOT_SOURCE_MAX_MB")


def load_settings() -> Settings:
    """Settings from the process environment (and a `.env` file in the working directory, if any)."""
    return Settings()
