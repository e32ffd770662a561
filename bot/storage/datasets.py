"""Named datasets per workspace, their numbered versions (each one a run) and where Segbot pulls them from.

Runs are the source of truth for versions: every run whose `dataset_name` is a dataset's name is one of its
versions, numbered in the order the runs were made. Runs stored by other parts of Segbot (a Slack upload,
`segbot datasets add`) are given their version number the next time the dataset is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from bot.errors import NotFoundError, SegbotError
from bot.storage.source_secrets import SourceCipher, masked_url
from bot.storage.tables_core import runs
from bot.storage.tables_digests import channel_dataset_names, dataset_sources, dataset_versions, datasets
from bot.storage.workspaces import ensure_workspace
from segmentation.near_names import NAME_CUTOFF, closest_name

SourceKind = Literal["path", "url", "sql"]
MAX_NAME_LENGTH = 80
# Printable, and nothing Slack mrkdwn or a path would read specially.
_NAME = re.compile(r"^[^\x00-\x1f<>&/\\`*|]+$")
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f<>&/\\`*|]")
COMPOUND_EXTENSIONS = (".csv.gz", ".tsv.gz", ".txt.gz")


class InvalidDatasetNameError(SegbotError):
    """A dataset name people cannot type back (empty, too long, odd characters)."""


@dataclass(frozen=True)
class Dataset:
    id: int
    workspace_id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class DatasetVersion:
    dataset_name: str
    version: int
    run_id: int
    origin: str
    created_at: datetime
    n_rows: int
    k: int


@dataclass(frozen=True)
class DatasetSummary:
    name: str
    versions: int
    latest: DatasetVersion | None
    source: str | None


@dataclass(frozen=True)
class SourceSpec:
    """Where to pull a dataset from: `location` is a file path, an HTTPS URL or a SQLAlchemy URL (with SQL)."""

    kind: SourceKind
    location: str
    query: str | None = None

    @property
    def display(self) -> str:
        if self.kind == "path":
            return self.location
        shown = masked_url(self.location)
        return f"{self.query} on {shown}" if self.kind == "sql" else shown


def check_dataset_name(name: str) -> str:
    """The name stripped, or `InvalidDatasetNameError` saying what a name may contain."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH or not _NAME.match(cleaned):
        raise InvalidDatasetNameError(
            f"{name!r} can't be a dataset name; use up to {MAX_NAME_LENGTH} characters without < > & / \\ ` * |, "
            "e.g. newsletter or shop-customers."
        )
    return cleaned


def is_dataset_name(name: str) -> bool:
    """Whether `check_dataset_name` accepts `name` as it is."""
    return name == name.strip() and 0 < len(name) <= MAX_NAME_LENGTH and _NAME.match(name) is not None


def default_dataset_name(file_name: str) -> str:
    """The dataset an upload belongs to unless named otherwise: the file name without its extension
    (`audience.csv` and `audience.csv.gz` both give `audience`), made a valid name (characters names may not
    hold become "-", at most MAX_NAME_LENGTH characters), so every upload can be listed and subscribed to."""
    base = file_name.strip().rsplit("/", 1)[-1]
    lowered = base.lower()
    stem = next((base[: -len(e)] for e in COMPOUND_EXTENSIONS if lowered.endswith(e)), None)
    if stem is None:
        before_dot, dot, _extension = base.rpartition(".")
        stem = before_dot if dot else base
    name = _NOT_IN_NAMES.sub("-", stem or base).strip()[:MAX_NAME_LENGTH].rstrip()
    return name or "upload"


class DatasetRepository:
    """Datasets, versions and sources of one database; every query is scoped to one workspace."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(self, workspace_id: str, name: str) -> Dataset:
        """The dataset called `name`, created when it does not exist yet."""
        name = check_dataset_name(name)
        for _ in range(2):  # a concurrent creator may win the unique name; then read theirs
            try:
                with self.engine.begin() as connection:
                    return _ensure(connection, workspace_id, name)
            except IntegrityError:
                continue
        found = self.get(workspace_id, name)
        assert found is not None
        return found

    def get(self, workspace_id: str, name: str) -> Dataset | None:
        with self.engine.connect() as connection:
            row = connection.execute(_by_name(workspace_id, name.strip())).first()
        return _to_dataset(row) if row else None

    def require(self, workspace_id: str, name: str) -> Dataset:
        """The dataset, created on first use when uploads already carry its name; NotFoundError otherwise."""
        found = self.get(workspace_id, name)
        if found is None and self._has_runs(workspace_id, name.strip()):
            found = self.ensure(workspace_id, name)
        if found is None:
            close = self.close_name(workspace_id, name)
            what_to_do = (
                f"did you mean {close!r}?" if close else f"upload {name}.csv or run `segbot datasets add {name} PATH`."
            )
            raise NotFoundError(f"There is no dataset called {name!r} here; {what_to_do}")
        return found

    def close_name(self, workspace_id: str, name: str) -> str | None:
        """The workspace's dataset name closest to `name` (a typo's "did you mean"), None when none is close."""
        with self.engine.connect() as connection:
            names = connection.execute(select(datasets.c.name).where(datasets.c.workspace_id == workspace_id)).scalars()
            return closest_name(name.strip(), [str(n) for n in names], cutoff=NAME_CUTOFF)

    def _has_runs(self, workspace_id: str, name: str) -> bool:
        with self.engine.connect() as connection:
            return (
                connection.execute(
                    select(runs.c.id).where(runs.c.workspace_id == workspace_id, runs.c.dataset_name == name).limit(1)
                ).first()
                is not None
            )

    def versions(self, workspace_id: str, name: str) -> list[DatasetVersion]:
        """Every version of the dataset, oldest first (numbering runs made since the last read)."""
        dataset = self.require(workspace_id, name)
        self._number_new_runs(dataset)
        with self.engine.connect() as connection:
            query = _versions_query().where(dataset_versions.c.dataset_id == dataset.id)
            rows = connection.execute(query.order_by(dataset_versions.c.version)).all()
        return [_to_version(dataset.name, row) for row in rows]

    def record_run(self, workspace_id: str, name: str, run_id: int, *, origin: str) -> DatasetVersion:
        """Number the run stored for this dataset and say where it came from ("upload", "path", "url", "sql")."""
        dataset = self.ensure(workspace_id, name)
        self._number_new_runs(dataset, origin_of={run_id: origin})
        with self.engine.begin() as connection:  # another reader may have numbered it first, as an upload
            connection.execute(
                update(dataset_versions).where(dataset_versions.c.run_id == run_id).values(origin=origin)
            )
        version = next((v for v in self.versions(workspace_id, name) if v.run_id == run_id), None)
        if version is None:
            raise NotFoundError(f"Run {run_id} does not belong to dataset {name!r}.")
        return version

    def save_identities(self, run_id: int, identities: dict[int, tuple[int, str]]) -> None:
        """Remember the tracked id and name of each of a version's segments (engine id -> (id, name))."""
        stored = {str(engine_id): [tracked_id, name] for engine_id, (tracked_id, name) in identities.items()}
        with self.engine.begin() as connection:
            connection.execute(
                update(dataset_versions).where(dataset_versions.c.run_id == run_id).values(identities=stored)
            )

    def identities(self, run_id: int) -> dict[int, tuple[int, str]]:
        """The tracked id and name of a version's segments by engine id; empty when never tracked."""
        with self.engine.connect() as connection:
            stored = connection.execute(
                select(dataset_versions.c.identities).where(dataset_versions.c.run_id == run_id)
            ).scalar_one_or_none()
        return {int(engine_id): (int(pair[0]), str(pair[1])) for engine_id, pair in (stored or {}).items()}

    def summaries(self, workspace_id: str) -> list[DatasetSummary]:
        """Every dataset of the workspace (and every name uploads used), by name."""
        with self.engine.connect() as connection:
            names = set(
                connection.execute(select(datasets.c.name).where(datasets.c.workspace_id == workspace_id)).scalars()
            ) | set(
                connection.execute(
                    select(runs.c.dataset_name).where(runs.c.workspace_id == workspace_id).distinct()
                ).scalars()
            )
            sources = dict(
                connection.execute(
                    select(datasets.c.name, dataset_sources.c.display)
                    .join(dataset_sources, dataset_sources.c.dataset_id == datasets.c.id)
                    .where(datasets.c.workspace_id == workspace_id)
                ).all()
            )
        summaries = []
        for name in sorted(names, key=str.lower):
            if not is_dataset_name(name):  # a run stored before upload names were made to fit
                continue
            self.ensure(workspace_id, name)
            found = self.versions(workspace_id, name)
            summaries.append(DatasetSummary(name, len(found), found[-1] if found else None, sources.get(name)))
        return summaries

    def set_source(self, workspace_id: str, name: str, spec: SourceSpec, cipher_factory: CipherFactory) -> str:
        """Store where to pull the dataset from (URLs encrypted); returns the masked form to show."""
        dataset = self.ensure(workspace_id, name)
        values: dict[str, Any] = {
            "kind": spec.kind,
            "path": spec.location if spec.kind == "path" else None,
            "secret": None,
            "display": spec.display,
            "query": spec.query,
            "updated_at": datetime.now(UTC),
        }
        if spec.kind != "path":
            values["secret"] = cipher_factory().encrypt(spec.location)
        with self.engine.begin() as connection:
            exists = connection.execute(
                select(dataset_sources.c.dataset_id).where(dataset_sources.c.dataset_id == dataset.id)
            ).first()
            if exists:
                connection.execute(
                    update(dataset_sources).where(dataset_sources.c.dataset_id == dataset.id).values(**values)
                )
            else:
                connection.execute(insert(dataset_sources).values(dataset_id=dataset.id, **values))
        return spec.display

    def source(self, workspace_id: str, name: str, cipher_factory: CipherFactory) -> SourceSpec | None:
        """The dataset's source with its URL decrypted (for pulling only; never show `location`)."""
        dataset = self.get(workspace_id, name)
        if dataset is None:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(select(dataset_sources).where(dataset_sources.c.dataset_id == dataset.id)).first()
        if row is None:
            return None
        location = row.path if row.kind == "path" else cipher_factory().decrypt(row.secret)
        return SourceSpec(kind=row.kind, location=location, query=row.query)

    def _number_new_runs(self, dataset: Dataset, origin_of: dict[int, str] | None = None) -> None:
        for _ in range(3):  # two numberers at once collide on the unique version; the loser reads again
            try:
                with self.engine.begin() as connection:
                    _number_runs(connection, dataset, origin_of or {})
                return
            except IntegrityError:
                continue
        raise SegbotError(f"Dataset {dataset.name!r} is being changed by several processes at once; try again.")


class UploadNames:
    """`/segment dataset NAME`: the name the next upload in a channel gets, whatever its file is called."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def name_next(self, workspace_id: str, channel_id: str, name: str, *, set_by: str | None = None) -> str:
        name = check_dataset_name(name)
        key = (channel_dataset_names.c.workspace_id == workspace_id, channel_dataset_names.c.channel_id == channel_id)
        with self.engine.begin() as connection:
            ensure_workspace(connection, workspace_id)
            connection.execute(delete(channel_dataset_names).where(*key))
            connection.execute(
                insert(channel_dataset_names).values(
                    workspace_id=workspace_id,
                    channel_id=channel_id,
                    dataset_name=name,
                    set_by=set_by,
                    set_at=datetime.now(UTC),
                )
            )
        return name

    def take(self, workspace_id: str, channel_id: str) -> str | None:
        """The name set for the channel's next upload, removed as it is used (None when none is set)."""
        key = (channel_dataset_names.c.workspace_id == workspace_id, channel_dataset_names.c.channel_id == channel_id)
        with self.engine.begin() as connection:
            name = connection.execute(select(channel_dataset_names.c.dataset_name).where(*key)).scalar_one_or_none()
            if name is not None and connection.execute(delete(channel_dataset_names).where(*key)).rowcount != 1:
                return None  # another upload took it at the same moment
        return name


class CipherFactory:
    """Builds the cipher only when a URL source is actually read, so path sources need no key."""

    def __init__(self, key: str | None) -> None:
        self.key = key

    def __call__(self) -> SourceCipher:
        return SourceCipher(self.key)


def _ensure(connection: Connection, workspace_id: str, name: str) -> Dataset:
    row = connection.execute(_by_name(workspace_id, name)).first()
    if row is not None:
        return _to_dataset(row)
    ensure_workspace(connection, workspace_id)
    connection.execute(insert(datasets).values(workspace_id=workspace_id, name=name, created_at=datetime.now(UTC)))
    return _to_dataset(connection.execute(_by_name(workspace_id, name)).one())


def _number_runs(connection: Connection, dataset: Dataset, origin_of: dict[int, str]) -> None:
    numbered = select(dataset_versions.c.run_id).where(dataset_versions.c.dataset_id == dataset.id)
    new_runs = connection.execute(
        select(runs.c.id, runs.c.created_at)
        .where(
            runs.c.workspace_id == dataset.workspace_id,
            runs.c.dataset_name == dataset.name,
            runs.c.id.not_in(numbered),
        )
        .order_by(runs.c.created_at, runs.c.id)
    ).all()
    if not new_runs:
        return
    last = connection.execute(
        select(func.coalesce(func.max(dataset_versions.c.version), 0)).where(
            dataset_versions.c.dataset_id == dataset.id
        )
    ).scalar_one()
    connection.execute(
        insert(dataset_versions),
        [
            {
                "dataset_id": dataset.id,
                "version": last + offset,
                "run_id": run.id,
                "origin": origin_of.get(run.id, "upload"),
                "created_at": run.created_at,
            }
            for offset, run in enumerate(new_runs, start=1)
        ],
    )


def _by_name(workspace_id: str, name: str) -> Any:
    return select(datasets).where(datasets.c.workspace_id == workspace_id, datasets.c.name == name)


def _versions_query() -> Any:
    return select(
        dataset_versions.c.version,
        dataset_versions.c.run_id,
        dataset_versions.c.origin,
        dataset_versions.c.created_at,
        runs.c.n_rows,
        runs.c.k,
    ).join(runs, runs.c.id == dataset_versions.c.run_id)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _to_dataset(row: Row[Any]) -> Dataset:
    return Dataset(id=row.id, workspace_id=row.workspace_id, name=row.name, created_at=_utc(row.created_at))


def _to_version(name: str, row: Row[Any]) -> DatasetVersion:
    return DatasetVersion(
        dataset_name=name,
        version=row.version,
        run_id=row.run_id,
        origin=row.origin,
        created_at=_utc(row.created_at),
        n_rows=row.n_rows,
        k=row.k,
    )
