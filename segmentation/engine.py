"""`segment(data, ...)`: an audience table in, a `SegmentationResult` out.

The pipeline: `reading.read_table` (bytes, file object or DataFrame) -> `columns.prepare_table` (a role and a
reason for every column, typed columns) -> `features.FeatureSpace` (balanced blocks) -> `clustering.cluster`
(k, a segment for every row, stability, column weights) -> `profiles.profile_segments` and
`audience.audience_mix` (what each segment is, named). Checks that need the data (too few rows, nothing to
cluster on, k out of range) raise `UnusableDataError` / `InvalidOptionError` with one plain sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO, Literal

import numpy as np
import pandas as pd

from segmentation.audience import audience_mix
from segmentation.brief import brief_signals, campaign_brief
from segmentation.clustering import Clustering, cluster
from segmentation.columns import prepare_table
from segmentation.errors import InvalidOptionError, UnusableDataError
from segmentation.features import FeatureSpace
from segmentation.limits import ReadLimits
from segmentation.outcomes import outcome_columns, outcome_rates
from segmentation.prepared import PreparedTable
from segmentation.profiles import profile_segments
from segmentation.reading import DEFAULT_LIMITS, read_table
from segmentation.result import ColumnRole, SegmentationResult
from segmentation.task_map import TaskMap
from segmentation.value import segment_values, value_column

MIN_ROWS = 20
MAX_K = 12
ROWS_PER_SEGMENT = 5


def segment(
    data: bytes | BinaryIO | pd.DataFrame,
    *,
    k: int | None = None,
    seed: int = 0,
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    outcomes: Sequence[str] | None = None,
    cluster_on: Sequence[str] | None = None,
    value: str | Literal[False] | None = None,
    task_map: TaskMap | None = None,
) -> SegmentationResult:
    """Split the audience in `data` into segments; `k` forces their number, `seed` makes runs repeatable.

    `limits` bounds what is read (see `segmentation.limits`); a larger file raises `LimitExceededError`.
    `outcomes` names the yes/no outcome columns (default: found by name, such as bought or churned): they are
    kept out of the clustering and their rate is reported per segment; `cluster_on` puts some back in.
    `value` names the column segments are valued on (default None: found by name, such as spend or revenue;
    False: none, so segments are ranked by their outcomes or size).
    `task_map` runs the engine's independent tasks (columns, the fits of the choice of k, chunks of rows, the
    profiles' columns) at once (a process pool, `segmentation.task_map`); None: in turn. The result is the same
    either way.
    """
    table = read_table(data, limits=limits)
    options = {"columns": columns, "exclude": exclude, "outcomes": outcomes, "cluster_on": cluster_on}
    return fit_table(table, k=k, seed=seed, value=value, task_map=task_map, **options).result


@dataclass(frozen=True)
class FittedTable:
    """A segmentation with what produced it: the typed table, its feature space and the fitted clustering
    (`segmentation.streaming` assigns rows the fit never saw with them)."""

    result: SegmentationResult
    prepared: PreparedTable
    space: FeatureSpace
    clustering: Clustering


def fit_table(
    table: pd.DataFrame,
    *,
    k: int | None = None,
    seed: int = 0,
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    outcomes: Sequence[str] | None = None,
    cluster_on: Sequence[str] | None = None,
    value: str | Literal[False] | None = None,
    task_map: TaskMap | None = None,
) -> FittedTable:
    """`segment()` on a table already read (`reading.read_table` or `reading.clean_frame`), keeping the fit."""
    if len(table) < MIN_ROWS:
        raise UnusableDataError(
            f"The table has only {len(table)} row{'' if len(table) == 1 else 's'}; segmenting needs at least "
            f"{MIN_ROWS}, so upload a larger export."
        )
    largest_k = min(MAX_K, len(table) // ROWS_PER_SEGMENT)
    if k is not None and not 1 <= k <= largest_k:
        raise InvalidOptionError(
            f"k must be between 1 and {largest_k} for {len(table):,} rows (at least {ROWS_PER_SEGMENT} rows per "
            f"segment); {k} is outside that range."
        )
    decimal_comma = table.attrs.get("decimal_comma")
    prepared = prepare_table(
        table,
        columns=columns,
        exclude=exclude,
        decimal_comma=decimal_comma or None,
        outcomes=outcomes,
        cluster_on=cluster_on,
        task_map=task_map,
    )
    _check_usable(prepared, columns)
    worth = None if value is False else value_column(prepared, value)
    space = FeatureSpace(prepared)
    found = cluster(space, k=k, k_range=range(1, largest_k + 1), seed=seed, task_map=task_map)
    roles = _with_weights(prepared, space, found.weights)
    profiles = profile_segments(prepared, found.labels, found.stability_by_segment, task_map=task_map)
    rates = outcome_rates(prepared, found.labels, found.k)
    profiles = tuple(replace(profile, outcomes=rates[profile.id]) for profile in profiles)
    if worth is not None:
        values = segment_values(worth, found.labels, found.k)
        profiles = tuple(replace(profile, value=values[profile.id]) for profile in profiles)
    overall = audience_mix(prepared)
    signals = brief_signals(prepared, found.labels, found.k)
    profiles = tuple(
        replace(profile, brief=campaign_brief(profile, overall, *signals[profile.id], row_noun=prepared.row_noun))
        for profile in profiles
    )
    result = SegmentationResult(
        labels=found.labels,
        segments=profiles,
        k=found.k,
        k_scores=found.k_scores,
        k_reason=found.k_reason,
        stability=found.stability,
        columns=roles,
        n_rows=prepared.n_rows,
        audience=overall,
        seed=seed,
        k_stability=found.k_stability,
        k_alternative=found.k_alternative,
        k_alternative_reason=found.k_alternative_reason,
        no_distinct_segments=found.no_distinct_segments,
        k_merged_from=found.k_merged_from,
        outcome_columns=outcome_columns(prepared),
        row_noun=prepared.row_noun,
        value_column=worth.name if worth is not None else None,
    )
    return FittedTable(result, prepared, space, found)


def _check_usable(prepared: PreparedTable, columns: Sequence[str] | None) -> None:
    if prepared.used_columns():
        return
    roles = prepared.roles
    if columns is not None:
        chosen = "; ".join(f"{role.name}: {role.reason}" for role in roles if role.name in columns)
        raise UnusableDataError(f"None of the chosen columns can be used for segmenting ({chosen}); choose others.")
    described = [role for role in roles if role.role not in ("identifier", "excluded")]
    if described and all(role.role == "constant" for role in described):
        raise UnusableDataError(
            "Every column holds the same value in every row, so there is nothing to segment on; export columns "
            "that differ between people, such as age, spend, country or interests."
        )
    excluded = "; ".join(f"{role.name}: {role.reason}" for role in roles[:6])
    raise UnusableDataError(
        f"No column can be used for segmenting (only ids, emails, free text, constant or empty columns: "
        f"{excluded}); add descriptive columns such as age, spend, country or interests."
    )


def _with_weights(prepared: PreparedTable, space: FeatureSpace, weights: np.ndarray) -> tuple[ColumnRole, ...]:
    """Each role with the weight its column ended up with (a date column's weight is its day count's)."""
    by_column: dict[str, float] = {}
    for block, weight in zip(space.blocks, weights, strict=True):
        source = next((c.source or c.name for c in prepared.used_columns() if c.name == block.name), block.name)
        by_column[source] = max(by_column.get(source, 0.0), float(weight))
    return tuple(replace(role, weight=by_column.get(role.name, 0.0)) for role in prepared.roles)
