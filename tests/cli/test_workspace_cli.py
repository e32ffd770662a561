"""`segbot workspace list / purge` and `segbot db prune` through the real CLI entry point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from tests.storage.workspace_rows import populate, snapshot


@pytest.fixture
def two_workspaces(engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", database_url)
    populate(engine, "T0KEEP", created_at=datetime.now(UTC) - timedelta(days=2))
    populate(engine, "T0GONE", created_at=datetime.now(UTC) - timedelta(days=100))
    return engine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_each_workspace_with_its_runs(two_workspaces: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "workspace", "list") == (
        0,
        "T0GONE  1 run, installed  T0GONE inc\nT0KEEP  1 run, installed  T0KEEP inc\n",
        "",
    )


def test_purge_with_yes_deletes_every_row_of_the_workspace(
    two_workspaces: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(two_workspaces)
    code, out, err = run(capsys, "workspace", "purge", "T0GONE", "--yes")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Deleted every row of workspace T0GONE: ")
    assert "runs: 1" in lines[0] and "slack_bots: 1" in lines[0] and "workspaces: 1" in lines[0]
    assert lines[1] == (
        "Its Slack install is gone too: Segbot answers in T0GONE again only after the app is reinstalled."
    )
    after = snapshot(two_workspaces)
    assert all(len(after[table]) < len(before[table]) for table in after if table != "slack_oauth_states")
    assert run(capsys, "workspace", "list")[1] == "T0KEEP  1 run, installed  T0KEEP inc\n"


def test_purge_without_yes_off_a_terminal_refuses_and_deletes_nothing(
    two_workspaces: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(two_workspaces)
    code, out, err = run(capsys, "workspace", "purge", "T0GONE")
    assert (code, out) == (2, "")
    assert err.startswith("segbot: segbot workspace purge deletes every row of T0GONE (")
    assert err.endswith("; run it again with --yes to confirm. Nothing was deleted.\n")
    assert snapshot(two_workspaces) == before


def test_purge_on_a_terminal_asks_for_the_id(
    two_workspaces: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "T0KEEP")
    code, _, err = run(capsys, "workspace", "purge", "T0GONE")
    assert (code, err) == (2, "segbot: The answer did not match the workspace id; nothing was deleted.\n")
    monkeypatch.setattr("builtins.input", lambda prompt: "T0GONE")
    code, out, _ = run(capsys, "workspace", "purge", "T0GONE")
    assert code == 0 and "Deleted every row of workspace T0GONE" in out


def test_dry_run_and_unknown_workspace(two_workspaces: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(two_workspaces)
    code, out, _ = run(capsys, "workspace", "purge", "T0GONE", "--dry-run")
    assert code == 0 and out.startswith("Would delete from workspace T0GONE: ") and "runs: 1" in out
    assert run(capsys, "workspace", "purge", "T0TYPO", "--yes")[1] == (
        "Workspace T0TYPO has no rows in this database; nothing to delete (see `segbot workspace list`).\n"
    )
    assert snapshot(two_workspaces) == before


def test_db_prune_deletes_runs_older_than_the_retention(
    two_workspaces: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "db", "prune", "--dry-run")
    assert code == 0 and out.startswith("Would delete what is older than 90 days (before ")
    code, out, _ = run(capsys, "db", "prune")
    assert code == 0 and out.startswith("Deleted what is older than 90 days (before ") and "runs: 1" in out
    assert run(capsys, "db", "prune")[1].startswith("Nothing is older than 90 days")
    monkeypatch.setenv("SEGBOT_RETENTION_DAYS", "0")
    assert run(capsys, "db", "prune")[1] == (
        "SEGBOT_RETENTION_DAYS is 0, so everything is kept; pass --days N to delete what is older anyway.\n"
    )
    assert "runs: 1" in run(capsys, "db", "prune", "--days", "1")[1]
    with pytest.raises(SystemExit):
        main(["db", "prune", "--days", "0"])
