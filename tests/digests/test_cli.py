"""`segbot datasets ...` and `segbot digest ...` through the real CLI entry point, against the fake Slack."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from bot.cli import main
from bot.storage.runs import RunRepository
from bot.storage.subscriptions import DeliveryRepository, Schedule, SubscriptionRepository
from segmentation.synthetic import planted_audience
from tests.digests.helpers import store_version, subscribe
from tests.segmentation.tracking_fixtures import BASE, LOYAL, QUIET, SPENDERS, YOUNG, audience
from tests.slack.fake_slack import FAKE_TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "SEGBOT_SECRET_KEY": Fernet.generate_key().decode(),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_versions_subscriptions_and_a_due_digest_from_the_command_line(
    cli_env: str, tmp_path: Path, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    table, truth = planted_audience(k=3, n_rows=800, seed=11)
    march = table.iloc[:400]
    april = pd.concat([march, table.iloc[400:][truth[400:] == truth[0]].iloc[:100]])  # one segment grows by 100
    (tmp_path / "march.csv").write_text(march.to_csv(index=False))
    (tmp_path / "april.csv").write_text(april.to_csv(index=False))
    code, out, _ = _run(capsys, "datasets", "add", "newsletter", str(tmp_path / "march.csv"))
    assert code == 0 and out.startswith("newsletter: version 1 (run 1) from march.csv, 400 rows in ")
    code, out, _ = _run(capsys, "datasets", "add", "newsletter", str(tmp_path / "april.csv"))
    assert out.startswith("newsletter: version 2 (run 2) from april.csv, 500 rows in ")
    _, out, _ = _run(capsys, "datasets", "list")
    assert out.startswith("newsletter: 2 versions, newest version 2 (")
    assert out.endswith(" UTC), 500 rows, 3 segments\n")

    code, out, _ = _run(
        capsys, "digest", "subscribe", "newsletter", "--channel", "C0DIGEST", "--weekly", "mon", "09:00",
        "--tz", "Europe/Berlin",
    )  # fmt: skip
    assert code == 0 and out.startswith(
        "C0DIGEST gets a weekly digest of newsletter on Mon 09:00 Europe/Berlin (next: "
    )
    assert "no data yet" not in out
    code, _, err = _run(capsys, "digest", "subscribe", "newsleter", "--channel", "C0DIGEST")
    assert code == 2 and "did you mean 'newsletter'?" in err  # a typo next to an existing dataset
    code, out, _ = _run(capsys, "digest", "subscribe", "loyalty", "--channel", "C0DIGEST")
    assert code == 0
    assert out.splitlines()[1].startswith("loyalty has no data yet, so its digests are skipped until it has: ")
    _run(capsys, "digest", "unsubscribe", "loyalty")
    _, out, _ = _run(capsys, "digest", "list")
    assert out.startswith("newsletter -> C0DIGEST: Mon 09:00 Europe/Berlin (next ")

    now = datetime.now(UTC)
    _, out, _ = _run(capsys, "digest", "run-due", "--now", now.isoformat())
    assert out.endswith(" 0 posted, 0 skipped, 0 paused, 0 to retry, 0 failed.\n")  # subscribed after the last slot
    _, out, _ = _run(capsys, "digest", "run-due", "--now", "2099-03-30T07:00:00Z")
    assert out.splitlines()[0].startswith("posted newsletter -> C0DIGEST (slot 2099-03-30 07:00 UTC): change, ")
    (message,) = fake_slack.messages()
    assert "500 people (+100)" in message["text"]

    _, out, _ = _run(capsys, "digest", "preview", "newsletter")
    assert "*newsletter* changed: 500 people (+100) in" in out
    _, out, _ = _run(capsys, "digest", "unsubscribe", "newsletter")
    assert out == "Removed 1 digest subscription of newsletter.\n"


def test_sources_are_shown_masked_and_mistakes_get_one_line(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "datasets", "source", "shop", "--sql", "select * from customers", "--db",
                        "postgresql://ann:hunter2@db.example.com/crm")  # fmt: skip
    assert code == 0
    shown = "select * from customers on postgresql://ann:***@db.example.com/crm"
    assert out == f"shop now pulls from {shown} before each digest.\n"
    _, out, _ = _run(capsys, "datasets", "list")
    assert "hunter2" not in out and "pulls from select * from customers on postgresql://ann:***@" in out
    mistakes = [
        (["datasets", "source", "shop", "--sql", "select 1"], "--sql needs --db URL"),
        (
            ["datasets", "source", "shop", "--sql", "commit; drop table t; select 1", "--db", "sqlite:///crm.db"],
            "holds 3 statements",
        ),
        (["datasets", "source", "shop", "--sql", "select 1", "--db", cli_env], "is Segbot's own database"),
        (["datasets", "source", "shop", "--url", "http://data.example.com/a.csv"], "is not an HTTPS URL"),
        (["datasets", "source", "shop", "--url", "https://169.254.169.254/latest/"], "169.254.169.254, a link-local"),
        (["datasets", "source", "shop", "--url", "https://[::ffff:10.0.0.1]/a.csv"], "a private address. Segbot"),
        (["datasets", "source", "shop", "--path", str(tmp_path / "nope.csv")], "There is no file at"),
        (["datasets", "source", "shop", "--path", str(tmp_path)], f"{tmp_path} is a folder; give the path of"),
        (["datasets", "add", "a/b", str(tmp_path / "nope.csv")], "can't be a dataset name"),
        (["digest", "subscribe", "shop", "--channel", "C1", "--weekly", "someday"], "not a weekday"),
        (["digest", "subscribe", "shop", "--channel", "C1", "--tz", "Mars/Base"], "not a time zone"),
        (["digest", "unsubscribe", "nothing"], "Nothing is subscribed to 'nothing'"),
        (["digest", "preview", "nothing"], "There is no dataset called 'nothing'"),
    ]
    for argv, expected in mistakes:
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (2, ""), argv
        assert err.startswith("segbot: ") and expected in err and err.count("\n") == 1, err


def test_a_url_source_needs_the_secret_key(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SEGBOT_SECRET_KEY")
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *_args, **_kwargs: public)  # no DNS in tests
    code, _, err = _run(capsys, "datasets", "source", "shop", "--url", "https://data.example.com/a.csv")
    assert code == 2 and "needs SEGBOT_SECRET_KEY; generate one with:" in err


def test_two_run_due_processes_at_once_post_each_digest_once_on_postgresql(
    postgres_url: str, migrated_postgres: Engine, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    engine = migrated_postgres
    berlin = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/Berlin")
    grown = audience([replace(YOUNG, size=800), SPENDERS, LOYAL, QUIET], seed=2)
    names = [f"race-{tmp_path.name}-{i}" for i in range(3)]
    for name in names:
        store_version(engine, name, audience(BASE), datetime(2026, 3, 1, tzinfo=UTC))
        store_version(engine, name, grown, datetime(2026, 3, 5, tzinfo=UTC))
        subscribe(engine, name, berlin, datetime(2026, 3, 1, tzinfo=UTC))
    fake_slack.latency = 0.2
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "SLACK_API_URL": fake_slack.api_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_CLIENT_ID": "",
        "SLACK_CLIENT_SECRET": "",
    }
    command = [sys.executable, "-m", "bot", "digest", "run-due", "--now", "2026-03-30T07:00:00+00:00"]
    processes = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    posted = [line for out, _ in outputs for line in out.splitlines() if line.startswith("posted ")]
    assert sorted(line.split()[1] for line in posted) == sorted(names)
    texts = [str(m["text"]) for m in fake_slack.messages()]
    assert sorted(t.split("*")[1] for t in texts) == sorted(names)
    for subscription in SubscriptionRepository(engine).list("T0FAKE"):
        if subscription.dataset_name in names:
            (delivery,) = DeliveryRepository(engine).for_subscription(subscription.id)
            assert delivery.status == "posted" and delivery.message_ts
            assert RunRepository(engine).get("T0FAKE", delivery.run_id or 0) is not None


def test_a_mistyped_dataset_name_is_refused_with_a_suggestion(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shop.csv").write_text("score\n" + "".join(f"{i % 5}\n" for i in range(100)))
    assert _run(capsys, "datasets", "add", "shop", str(tmp_path / "shop.csv"))[0] == 0
    code, out, err = _run(capsys, "digest", "subscribe", "shpo", "--channel", "C1")
    assert (code, out) == (2, "")
    assert err.startswith("segbot: There is no dataset called 'shpo' here; did you mean 'shop'?")
    assert _run(capsys, "digest", "list")[1].startswith("No digest subscriptions")
    code, _, err = _run(capsys, "digest", "preview", "shpo")
    assert (code, err) == (2, "segbot: There is no dataset called 'shpo' here; did you mean 'shop'?\n")
    code, _, err = _run(capsys, "digest", "preview", "SHOP")  # case does not count in "did you mean", as elsewhere
    assert (code, err) == (2, "segbot: There is no dataset called 'SHOP' here; did you mean 'shop'?\n")
