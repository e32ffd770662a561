"""Settings: every env var is documented in docs/operator.md and deploy/.env.example; a bad value is one sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _env_var_names() -> set[str]:
    return {str(field.alias) for field in Settings.model_fields.values()}


def test_every_setting_is_documented_in_the_operator_guide_and_the_env_example() -> None:
    guide = (ROOT / "docs" / "operator.md").read_text(encoding="utf-8")
    settings_table = guide.split("## Settings", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", settings_table, re.M)
    in_table = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    in_example = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / "deploy/.env.example").read_text(), re.M))
    assert in_table == _env_var_names()
    assert in_example == _env_var_names()


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SEGBOT_WORKERS", "two", "SEGBOT_WORKERS='two' is not valid (input should be a valid integer"),
        ("SEGBOT_LOG_LEVEL", "loud", "SEGBOT_LOG_LEVEL='loud' is not valid (use DEBUG, INFO, WARNING or ERROR)"),
        ("SEGBOT_DEBUG", "maybe", "SEGBOT_DEBUG='maybe' is not valid"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL='slack.com/api' is not valid (use an http(s):// address"),
    ],
)
def test_a_bad_setting_is_one_sentence_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["db", "upgrade"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"segbot: The setting {expected}")
    assert lines[0].endswith("fix it in the environment or in .env (see deploy/.env.example).")


def test_log_level_is_read_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGBOT_LOG_LEVEL", "info")
    assert Settings(_env_file=None).log_level == "INFO"  # type: ignore[call-arg]


def test_slack_api_url_must_be_a_web_address_and_gets_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:8765/api")
    assert Settings(_env_file=None).slack_api_url == "http://127.0.0.1:8765/api/"  # type: ignore[call-arg]
