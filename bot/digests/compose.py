"""Making a dataset's digest: pull a fresh version when it has a source, compare the newest two versions.

Segment identities carry over from version to version: each version's tracked ids and names are saved on it,
and the next comparison starts from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine

from bot.digests.rendering import RenderedDigest, render_digest
from bot.digests.sources import pull
from bot.digests.versions import add_version
from bot.digests.view_model import DigestView, VersionInfo, digest_view
from bot.errors import NotFoundError
from bot.settings import Settings
from bot.storage.datasets import CipherFactory, DatasetRepository, DatasetVersion
from bot.storage.runs import RunRepository
from segmentation.result import SegmentationResult
from segmentation.tracking import SegmentTracking, track_segments


class NoDataYetError(NotFoundError):
    """A subscribed dataset has no version and no source yet."""


@dataclass(frozen=True)
class Digest:
    view: DigestView
    message: RenderedDigest
    run_id: int
    tracking: SegmentTracking


def make_digest(
    settings: Settings,
    engine: Engine,
    workspace_id: str,
    dataset_name: str,
    *,
    now: datetime,
    last_run_id: int | None = None,
) -> Digest:
    """The digest of the dataset's newest version against the one before (`last_run_id`: last digest's run)."""
    repository = DatasetRepository(engine)
    dataset = repository.require(workspace_id, dataset_name)
    versions = repository.versions(workspace_id, dataset.name)
    spec = repository.source(workspace_id, dataset.name, CipherFactory(settings.secret_key))
    if spec is not None:
        pulled = pull(spec, settings)
        newest_hash = _file_hash(engine, workspace_id, versions[-1]) if versions else None
        if pulled.file_hash != newest_hash:
            add_version(
                engine, workspace_id, dataset.name, pulled, origin=spec.kind, now=now, limits=settings.read_limits()
            )
            versions = repository.versions(workspace_id, dataset.name)
    if not versions:
        raise NoDataYetError(
            f"Dataset {dataset.name!r} has no data yet; upload {dataset.name}.csv in Slack, or add a version with "
            f"`segbot datasets add {dataset.name} PATH` or a source with `segbot datasets source`."
        )
    current = versions[-1]
    stale = last_run_id == current.run_id
    # The version before is the newest one with other data: the same file twice (a re-upload, or two
    # processes pulling one source at once) is not a week without change.
    earlier = _before_other_data(engine, workspace_id, versions)
    previous = earlier[-1] if earlier else None
    # Nothing new since the last digest: compare the version with itself, so no old change is told again.
    baseline = _identified(engine, workspace_id, versions if stale else earlier)
    tracking = track_segments(baseline, _stored(engine, workspace_id, current))
    repository.save_identities(current.run_id, _identities(tracking))
    info = VersionInfo(
        dataset=dataset.name,
        version=current.version,
        created_at=current.created_at,
        previous_version=previous.version if previous else None,
        stale=stale,
    )
    view = digest_view(tracking, info, min_size=settings.digest_min_segment)
    return Digest(view=view, message=render_digest(view), run_id=current.run_id, tracking=tracking)


def _before_other_data(engine: Engine, workspace_id: str, versions: list[DatasetVersion]) -> list[DatasetVersion]:
    """`versions` up to the newest one whose data differs from the last version's (or all but the last)."""
    newest = _file_hash(engine, workspace_id, versions[-1])
    for index in range(len(versions) - 2, -1, -1):
        if _file_hash(engine, workspace_id, versions[index]) != newest:
            return versions[: index + 1]
    return versions[:-1]


def _file_hash(engine: Engine, workspace_id: str, version: DatasetVersion) -> str | None:
    run = RunRepository(engine).get(workspace_id, version.run_id)
    return run.file_hash if run else None


def _identified(engine: Engine, workspace_id: str, versions: list[DatasetVersion]) -> SegmentationResult | None:
    """The last of `versions` with tracked segment ids and names, tracking any versions never tracked yet."""
    if not versions:
        return None
    repository = DatasetRepository(engine)
    known = [i for i, v in enumerate(versions) if repository.identities(v.run_id)]
    start = known[-1] if known else 0
    result = _stored(engine, workspace_id, versions[start], repository.identities(versions[start].run_id))
    for version in versions[start + 1 :]:
        tracking = track_segments(result, _stored(engine, workspace_id, version))
        repository.save_identities(version.run_id, _identities(tracking))
        result = tracking.result
    return result


def _identities(tracking: SegmentTracking) -> dict[int, tuple[int, str]]:
    return {t.engine_id: (t.id, t.name) for t in tracking.segments}


def _stored(
    engine: Engine, workspace_id: str, version: DatasetVersion, identities: dict[int, tuple[int, str]] | None = None
) -> SegmentationResult:
    """The version's stored result, with tracked segment ids and names when `identities` are given."""
    run = RunRepository(engine).get(workspace_id, version.run_id)
    if run is None:
        raise NotFoundError(f"Run {version.run_id} of dataset {version.dataset_name!r} is missing.")
    result = run.result
    if not identities:
        return result
    segments = tuple(
        replace(s, id=identities[s.id][0], name=identities[s.id][1]) if s.id in identities else s
        for s in result.segments
    )
    return replace(result, segments=segments)
