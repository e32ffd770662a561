"""Datasets, versions, encrypted sources, subscriptions and delivery claims on real SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from bot.errors import ConfigurationError, NotFoundError
from bot.services.dataset_names import dataset_name_for_upload
from bot.storage.datasets import (
    MAX_NAME_LENGTH,
    CipherFactory,
    DatasetRepository,
    InvalidDatasetNameError,
    SourceSpec,
    check_dataset_name,
    default_dataset_name,
)
from bot.storage.runs import NewRun, RunRepository
from bot.storage.subscriptions import DeliveryRepository, Schedule, SubscriptionRepository
from bot.storage.tables_digests import dataset_sources
from tests.segmentation.tracking_fixtures import BASE, audience

KEY = Fernet.generate_key().decode()
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _run(engine: Engine, name: str, at: datetime, workspace: str = "T1") -> int:
    new_run = NewRun(workspace_id=workspace, dataset_name=name, file_name=f"{name}.csv", file_hash="h")
    return RunRepository(engine).add(new_run, audience(BASE), created_at=at).id


def test_every_run_of_a_dataset_is_a_numbered_version(engine: Engine) -> None:
    repository = DatasetRepository(engine)
    first = _run(engine, "newsletter", T0)
    _run(engine, "shop", T0)
    second = _run(engine, "newsletter", T0 + timedelta(days=7))
    repository.ensure("T1", "newsletter")
    versions = repository.versions("T1", "newsletter")
    assert [(v.version, v.run_id, v.origin) for v in versions] == [(1, first, "upload"), (2, second, "upload")]
    third = _run(engine, "newsletter", T0 + timedelta(days=14))
    recorded = repository.record_run("T1", "newsletter", third, origin="url")
    assert (recorded.version, recorded.origin, recorded.n_rows, recorded.k) == (3, "url", 1200, 4)
    assert [v.version for v in repository.versions("T1", "newsletter")] == [1, 2, 3]


def test_datasets_are_scoped_by_workspace_and_listed_with_upload_names(engine: Engine) -> None:
    _run(engine, "newsletter", T0)
    _run(engine, "newsletter", T0, workspace="T2")
    DatasetRepository(engine).ensure("T1", "empty one")
    summaries = DatasetRepository(engine).summaries("T1")
    assert [(s.name, s.versions) for s in summaries] == [("empty one", 0), ("newsletter", 1)]
    assert DatasetRepository(engine).get("T3", "newsletter") is None
    with pytest.raises(NotFoundError, match="no dataset called 'newsletter'"):
        DatasetRepository(engine).require("T3", "newsletter")


def test_a_long_file_name_makes_a_dataset_that_lists(engine: Engine) -> None:
    long_stem = "customer export for the spring campaign in every region we sell in, with consent flags"
    assert len(long_stem) > MAX_NAME_LENGTH
    name = dataset_name_for_upload(engine, "T1", "C1", f"{long_stem}.csv")
    assert name == long_stem[:MAX_NAME_LENGTH].rstrip()
    _run(engine, name, T0)
    _run(engine, "newsletter", T0)
    assert [(s.name, s.versions) for s in DatasetRepository(engine).summaries("T1")] == [
        (name, 1),
        ("newsletter", 1),
    ]


def test_a_run_stored_under_a_name_no_dataset_may_have_does_not_break_the_list(engine: Engine) -> None:
    _run(engine, "x" * 90, T0)  # stored before names were cut to fit
    _run(engine, "newsletter", T0)
    assert [s.name for s in DatasetRepository(engine).summaries("T1")] == ["newsletter"]


@pytest.mark.parametrize(
    ("file_name", "dataset"),
    [("audience.csv.gz", "audience"), ("Q3 <!channel> & co.csv", "Q3 -!channel- - co"), ("a\tb.tsv", "a-b")],
)
def test_an_upload_always_gets_a_dataset_name_people_can_type_back(file_name: str, dataset: str) -> None:
    assert default_dataset_name(file_name) == dataset
    assert check_dataset_name(dataset) == dataset


@pytest.mark.parametrize("name", ["", "   ", "a/b", "<!channel>", "x" * 81])
def test_odd_dataset_names_are_refused(engine: Engine, name: str) -> None:
    with pytest.raises(InvalidDatasetNameError, match="can't be a dataset name"):
        DatasetRepository(engine).ensure("T1", name)


def test_source_urls_are_encrypted_at_rest_and_masked_for_display(engine: Engine) -> None:
    repository = DatasetRepository(engine)
    url = "postgresql://ann:s3cret@db.example.com/shop"
    spec = SourceSpec(kind="sql", location=url, query="select * from customers")
    shown = repository.set_source("T1", "shop", spec, CipherFactory(KEY))
    assert shown == "select * from customers on postgresql://ann:***@db.example.com/shop"
    with engine.connect() as connection:
        row = connection.execute(sa.select(dataset_sources)).one()
    assert "s3cret" not in str(tuple(row)) and row.display == shown
    assert repository.source("T1", "shop", CipherFactory(KEY)) == spec
    assert repository.summaries("T1")[0].source == shown
    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        repository.source("T1", "shop", CipherFactory(Fernet.generate_key().decode()))


def test_a_url_source_needs_a_secret_key_but_a_path_does_not(engine: Engine) -> None:
    repository = DatasetRepository(engine)
    with pytest.raises(ConfigurationError, match="needs SEGBOT_SECRET_KEY"):
        repository.set_source("T1", "shop", SourceSpec("url", "https://x.example/a.csv"), CipherFactory(None))
    with pytest.raises(ConfigurationError, match="not a Fernet key"):
        repository.set_source("T1", "shop", SourceSpec("url", "https://x.example/a.csv"), CipherFactory("short"))
    shown = repository.set_source("T1", "shop", SourceSpec("path", "/data/shop.csv"), CipherFactory(None))
    assert shown == "/data/shop.csv"
    assert repository.source("T1", "shop", CipherFactory(None)) == SourceSpec("path", "/data/shop.csv")


def test_subscribing_again_changes_the_schedule_and_resumes(engine: Engine) -> None:
    dataset = DatasetRepository(engine).ensure("T1", "newsletter")
    repository = SubscriptionRepository(engine)
    first = repository.subscribe("T1", dataset.id, "C1", Schedule(0, 9, 0, "Europe/Berlin"), created_by="U1", now=T0)
    repository.pause(first.id, "Slack answered is_archived")
    assert repository.list("T1")[0].paused and repository.list(active_only=True) == []
    again = repository.subscribe("T1", dataset.id, "C1", Schedule(4, 17, 30, "UTC"))
    assert again.id == first.id and not again.paused and again.paused_reason is None
    assert again.schedule.describe() == "Fri 17:30 UTC"
    assert again.created_at == T0 and again.created_by == "U1"
    repository.subscribe("T1", dataset.id, "C2", Schedule(0, 9, 0, "UTC"))
    assert repository.unsubscribe("T1", "newsletter", "C1") == 1
    assert [s.channel_id for s in repository.list("T1")] == ["C2"]
    with pytest.raises(NotFoundError, match="Nothing is subscribed to 'shop'"):
        repository.unsubscribe("T1", "shop")


def _subscription(engine: Engine) -> int:
    dataset = DatasetRepository(engine).ensure("T1", "newsletter")
    return SubscriptionRepository(engine).subscribe("T1", dataset.id, "C1", Schedule(0, 9, 0, "UTC"), now=T0).id


def test_a_slot_is_claimed_once_until_its_lease_runs_out(engine: Engine) -> None:
    deliveries = DeliveryRepository(engine)
    subscription = _subscription(engine)
    lease = timedelta(minutes=15)
    claimed = deliveries.claim(subscription, T0, owner="a", now=T0, lease=lease)
    assert claimed is not None and claimed.status == "claimed" and claimed.attempts == 1
    assert deliveries.claim(subscription, T0, owner="b", now=T0 + timedelta(minutes=5), lease=lease) is None
    taken = deliveries.claim(subscription, T0, owner="b", now=T0 + timedelta(minutes=16), lease=lease)
    assert taken is not None and taken.attempts == 2
    deliveries.finish(taken.id, "posted", now=T0, run_id=None, message_ts="1.2")
    assert deliveries.claim(subscription, T0, owner="c", now=T0 + timedelta(days=1), lease=lease) is None
    assert deliveries.latest_posted(subscription) == deliveries.find(subscription, T0)


def test_a_retry_waits_for_its_time(engine: Engine) -> None:
    deliveries = DeliveryRepository(engine)
    subscription = _subscription(engine)
    claimed = deliveries.claim(subscription, T0, owner="a", now=T0, lease=timedelta(minutes=15))
    assert claimed is not None
    deliveries.finish(claimed.id, "retry", now=T0, error="boom", retry_at=T0 + timedelta(minutes=10))
    assert deliveries.claim(subscription, T0, owner="b", now=T0 + timedelta(minutes=9), lease=timedelta(1)) is None
    again = deliveries.claim(subscription, T0, owner="b", now=T0 + timedelta(minutes=10), lease=timedelta(1))
    assert again is not None and again.attempts == 2 and again.status == "claimed"


def test_threads_racing_for_the_same_slots_each_win_a_slot_once(engine: Engine) -> None:
    subscription = _subscription(engine)
    slots = [T0 + timedelta(weeks=w) for w in range(8)]
    wins: list[tuple[str, datetime]] = []
    barrier = threading.Barrier(3)

    def race(owner: str) -> None:
        deliveries = DeliveryRepository(engine)
        for slot in slots:
            barrier.wait(timeout=20)
            if deliveries.claim(subscription, slot, owner=owner, now=slot, lease=timedelta(minutes=15)):
                wins.append((owner, slot))

    threads = [threading.Thread(target=race, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(slot for _, slot in wins) == slots
