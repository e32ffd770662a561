"""Shared fixtures: real SQLite and real PostgreSQL databases, and the shared data sets.

PostgreSQL comes from SEGBOT_TEST_POSTGRES_URL (default: the local server); each test run gets a fresh
schema, dropped at the end. Without the server the PostgreSQL cases are skipped with the reason, unless
SEGBOT_REQUIRE_SERVICES=1 (set by .ci/run), which turns the skip into a failure. The same goes for
../shared/datasets and SEGBOT_REQUIRE_SHARED=1.

Also here: the fixtures the Slack app's and the digests' tests share (`fake_slack`, `sqlite_bot`, `sample_csv`),
and the hostile files of tests/corpus/make_hostile.py (`hostile_file`).
Helpers shared between test folders live in importable modules (tests/slack/harness.py, tests/digests/helpers.py,
...), never in a conftest.py or a test_*.py module.

`make test` runs the suite in two processes (pytest-xdist): every fixture here is safe in parallel (a fresh
PostgreSQL schema per process, files under the per-process `tmp_path`, servers on port 0), and no test writes
into the checkout: Hypothesis keeps its example database and caches in a temporary folder of each process
(by default they would go to `.hypothesis/` in the working folder).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

import bot.storage.tables  # noqa: F401  (registers every table)
from bot.storage.database import create_database_engine, upgrade
from bot.storage.metadata import metadata
from tests.ordering import read_durations, spread
from tests.postgres import DEFAULT_POSTGRES_URL

if TYPE_CHECKING:
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.harness import RunningBot

SHARED_DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


# Dramatiq's threads look for work, and for a stop, this often (its default is 1,000 ms): a broker test's bot takes
# about 2 s to stop with the default and a delayed delivery waits up to a second longer than its delay. The tests'
# `segbot worker` processes inherit it. Read once, when dramatiq.worker is first imported (after this hook).
DRAMATIQ_WORKER_TIMEOUT_MS = "100"


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis's storage in a folder of this process's own, not `.hypothesis/` in the checkout; Dramatiq's
    quick poll (DRAMATIQ_WORKER_TIMEOUT_MS); compiled modules kept (`_keep_bytecode`)."""
    os.environ.setdefault("dramatiq_worker_timeout", DRAMATIQ_WORKER_TIMEOUT_MS)
    _keep_bytecode()
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
        folder = tempfile.mkdtemp(prefix="segbot-hypothesis-")
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def _keep_bytecode() -> None:
    """Where PYTHONDONTWRITEBYTECODE is set (as in the project's containers), every process the tests start compiled
    Segbot's modules again, and each xdist worker rewrote and compiled every test module and pytest plugin again
    (about 5 CPU s of a worker's 12 s collection). The test processes and the processes they start keep their
    bytecode under the virtual environment's `pycache/` instead: still nothing beside the sources. Read by each
    process when it starts, so the xdist workers started after this hook use it."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
        del os.environ["PYTHONDONTWRITEBYTECODE"]
        cache = Path(sys.prefix) / "pycache"
        os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
        # What ran from temporary folders (the package test's installed wheel) would pile up there run after run.
        shutil.rmtree(cache / Path(tempfile.gettempdir()).resolve().relative_to("/"), ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest modules first, spread over the xdist workers (tests/ordering.py)."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    items[:] = spread(list(modules.items()), read_durations(), workers)


def _require(flag: str, reason: str) -> None:
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """../shared/datasets beside the project root."""
    if not SHARED_DATASETS.is_dir():
        _require("SEGBOT_REQUIRE_SHARED", f"shared data sets not found at {SHARED_DATASETS}")
    return SHARED_DATASETS


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema of their own, created for this test run."""
    base_url = os.environ.get("SEGBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    admin = create_database_engine(base_url)
    schema = f"segbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _require("SEGBOT_REQUIRE_SERVICES", f"PostgreSQL not reachable at {base_url}: {error.orig}")
    separator = "&" if "?" in base_url else "?"
    yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> Iterator[Engine]:
    engine = create_database_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the run's PostgreSQL schema emptied after the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'segbot.db'}"
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    engine = request.getfixturevalue("migrated_postgres")
    _empty_all_tables(engine)
    yield request.getfixturevalue("postgres_url")
    _empty_all_tables(engine)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An Engine on `database_url` (both SQLite and PostgreSQL)."""
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["rabbitmq", "redis"])
def broker_url(request: pytest.FixtureRequest) -> str:
    """A reachable message broker: RabbitMQ and Redis in turn (tests/brokers.py)."""
    from tests.brokers import require_broker

    return require_broker(request.param)


@pytest.fixture
def broker_queue(broker_url: str) -> Iterator[str]:
    """A queue name of this test's own on `broker_url`, deleted afterwards (other test runs share the broker)."""
    from tests.brokers import drop_queue, fresh_queue_name

    name = fresh_queue_name()
    yield name
    drop_queue(broker_url, name)


# The local fake of Slack and Segbot's real HTTP server wired to it: for the Slack app's and the digests' tests.
@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    from tests.slack.fake_slack import FakeSlack

    fake = FakeSlack().start()
    yield fake
    fake.stop()
    fake.assert_clean()  # nothing Slack would refuse, and no unescaped mention, reached the fake


@pytest.fixture
def sqlite_bot(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    """Segbot on a fresh SQLite file: for behaviour that does not depend on the database."""
    from bot.storage.database import open_database
    from tests.slack.harness import start_bot, stop_bot

    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    engine = open_database(url)
    running = start_bot(fake_slack, url, engine)
    yield running
    stop_bot(running)
    engine.dispose()


@pytest.fixture(scope="session")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The path of a hostile file of tests/corpus/make_hostile.py, written the first time a test asks for it.

    Under xdist the files go to the run's folder that all test processes share (the parent of each one's base
    temporary folder), each written once under a lock: the CLI's and the Slack app's hostile-file tests usually run
    in different processes, and writing the corpus costs about 27 CPU seconds (2gib_line.csv.gz alone 10).
    """
    from tests.corpus.make_hostile import HOSTILE

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hostile"
    folder.mkdir(exist_ok=True)
    writers = {name: write for name, write, _ in HOSTILE}

    def path(name: str) -> Path:
        target = folder / name
        with (folder / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be writing this file right now
            if not target.exists():
                partial = folder / f"partial-{os.getpid()}-{name}"
                writers[name](partial)
                partial.replace(target)
        return target

    return path


@pytest.fixture(scope="session")
def sample_csv() -> bytes:
    """The first rows of the built-in sample audience (a real, messy export)."""
    from tests.slack.harness import sample_rows

    return sample_rows()
