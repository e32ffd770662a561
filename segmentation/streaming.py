"""Tables larger than memory: fit on a sample, then give every row its segment chunk by chunk.

The caller (the application) reads the file; this module only sees `pandas.DataFrame` chunks, each cleaned
the way `reading.clean_frame` cleans a whole table:
1. `SampleDraw` keeps the `rows` rows with the smallest seeded hash of their cells over all chunks (one pass,
   bounded memory; which rows does not depend on how the table is split into chunks of the same types).
2. `fit_sample` runs the ordinary engine (`engine.fit_table`) on that sample: column roles, the feature space
   and k, the profiles and names are all learned there. It returns the sample's result and a `ChunkAssigner`.
3. `ChunkAssigner.labels(chunk)` reads each used column of a chunk with the sample's decisions (the same
   number parsing, the same levels, the same transforms and clipping) and returns the most likely segment of
   every row. It is a plain picklable object, so a distributed engine can ship it to workers.
4. `with_sizes` puts the segment sizes counted over all rows into the sample's result.

What is computed on the sample only: column roles, k and its scores, the profiles' feature effects, audience
mixes, outcome rates, values and names. Sizes and shares are counted over every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from segmentation import values as value_parsers
from segmentation.engine import fit_table
from segmentation.features import MAX_LEVELS, Block, FeatureSpace
from segmentation.mixture import Mixture, encode
from segmentation.prepared import PreparedColumn
from segmentation.profiles import confidence_note
from segmentation.reading import clean_frame
from segmentation.result import SegmentationResult
from segmentation.task_map import TaskMap

DAYS_PER_YEAR = 365.25
SECONDS_PER_DAY = 86_400.0
ENCODE_ROWS = 65_536  # rows encoded at once: the design matrix of a chunk stays a few tens of MB
ColumnKind = Literal["numbers", "codes", "days", "labels"]


@dataclass(frozen=True)
class SampleDraw:
    """The rows with the smallest seeded hash seen so far (a bounded, order-free sample) and the row count.

    `add(chunk, first_row)` takes the next chunk; `frame()` is the sample in file order, its index the
    0-based file row of each sampled row.
    """

    rows: int
    seed: int
    parts: tuple[pd.DataFrame, ...] = ()
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    n_rows: int = 0

    def add(self, chunk: pd.DataFrame, first_row: int) -> SampleDraw:
        numbered = chunk.set_axis(pd.RangeIndex(first_row, first_row + len(chunk)))
        hashes = np.asarray(pd.util.hash_pandas_object(numbered, index=False, hash_key=_hash_key(self.seed)))
        return self.merge(SampleDraw(self.rows, self.seed, (numbered,), hashes, len(chunk)))

    def merge(self, other: SampleDraw) -> SampleDraw:
        """This draw and one over other rows (the next chunk, another partition) as one draw over both."""
        pooled = np.concatenate([self.hashes, other.hashes])
        kept = np.sort(np.argsort(pooled, kind="stable")[: self.rows])
        parts = [*self.parts, *other.parts]
        edges = np.cumsum([0, *(len(part) for part in parts)])
        taken = tuple(
            part.iloc[kept[(kept >= start) & (kept < stop)] - start]
            for part, start, stop in zip(parts, edges[:-1], edges[1:], strict=True)
        )
        return replace(self, parts=taken, hashes=pooled[kept], n_rows=self.n_rows + other.n_rows)

    def frame(self) -> pd.DataFrame:
        parts = [part for part in self.parts if len(part)]
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts).sort_index(kind="stable")


def draw_sample(chunks: Iterable[pd.DataFrame], *, rows: int, seed: int) -> SampleDraw:
    """One pass over `chunks` (in file order), keeping a sample of at most `rows` rows."""
    draw = SampleDraw(rows=rows, seed=seed)
    for chunk in chunks:
        draw = draw.add(chunk, draw.n_rows)
    return draw


def _hash_key(seed: int) -> str:
    return f"{seed % 10**16:016d}"


@dataclass(frozen=True)
class ColumnReader:
    """How one used column of the fit is read from a raw chunk: the sample's decisions, applied as they are.

    kind "numbers": parsed as numbers (`decimal_comma` as the file writes them); "days": dates counted back
    from the sample's latest date (in years when `per_year` is 365.25); "codes": each cell's text looked up
    in `codes` (a text the sample never had is `unknown`); "labels": label lists, the kept labels only.
    """

    block: Block
    source: str
    kind: ColumnKind
    decimal_comma: bool | None = None
    codes: dict[str, int] | None = None
    unknown: int = 0
    latest: np.datetime64 | None = None
    per_year: float = 1.0

    def read(self, chunk: pd.DataFrame) -> Block:
        """This column's block for the rows of `chunk` (all missing when the chunk lacks the column)."""
        series = chunk[self.source] if self.source in chunk.columns else pd.Series([np.nan] * len(chunk))
        if self.kind == "codes":
            return replace(self.block, codes=self._codes(series))
        if self.kind == "labels":
            return self._labels(series)
        numbers = self._days(series) if self.kind == "days" else self._numbers(series)
        assert self.block.number_scale is not None
        scaled, present, masses = self.block.number_scale.apply(numbers)
        return replace(self.block, values=scaled, present=present, masses=masses)

    def _numbers(self, series: pd.Series) -> np.ndarray:
        if pd.api.types.is_bool_dtype(series):
            return series.astype("float64").to_numpy()
        return np.asarray(value_parsers.parse_numbers(series, decimal_comma=self.decimal_comma).values, dtype=float)

    def _days(self, series: pd.Series) -> np.ndarray:
        dates = value_parsers.parse_dates(series).values
        assert self.latest is not None
        days = (self.latest - dates).astype("timedelta64[s]").astype("float64") / SECONDS_PER_DAY
        days[np.isnat(dates)] = np.nan
        return np.asarray(days / self.per_year)

    def _codes(self, series: pd.Series) -> np.ndarray:
        assert self.codes is not None
        positions, uniques = pd.factorize(series, use_na_sentinel=True)
        missing = self.block.width
        per_unique = np.array([self.codes.get(text, self.unknown) for text in cell_texts(uniques)], dtype=np.int32)
        per_unique = np.append(per_unique, np.int32(missing))  # position -1: a missing cell
        return np.asarray(per_unique[positions], dtype=np.int32)

    def _labels(self, series: pd.Series) -> Block:
        positions, uniques = pd.factorize(series, use_na_sentinel=True)
        parsed = value_parsers.parse_labels(pd.Series(np.asarray(uniques, dtype=object), dtype="string"))
        where = {label: i for i, label in enumerate(parsed.vocabulary)}
        kept = self.block.kept_labels
        columns = [where.get(label, -1) for label in kept]
        per_unique = sparse.csr_matrix(parsed.matrix, dtype=np.float32)
        matrix = sparse.hstack(
            [
                per_unique[:, [c]] if c >= 0 else sparse.csr_matrix((per_unique.shape[0], 1), dtype=np.float32)
                for c in columns
            ],
            format="csr",
            dtype=np.float32,
        )
        present = positions >= 0
        known = present & np.asarray(parsed.known, dtype=bool)[np.maximum(positions, 0)]
        rows = sparse.csr_matrix(matrix[np.maximum(positions, 0)], dtype=np.float32)
        rows = sparse.csr_matrix(sparse.diags(known.astype(np.float32)) @ rows, dtype=np.float32)
        return replace(self.block, labels=rows, known=known)


def cell_texts(cells: Sequence[object] | pd.Index | np.ndarray) -> list[str]:
    """Each cell as the text the sample's levels are keyed by (3.0 and 3 are both "3")."""
    texts = []
    for cell in cells:
        if isinstance(cell, bool | np.bool_):
            texts.append("true" if cell else "false")
        elif isinstance(cell, int | np.integer) or (isinstance(cell, float | np.floating) and float(cell).is_integer()):
            texts.append(str(int(cell)))
        else:
            texts.append(str(cell).strip())
    return texts


@dataclass(frozen=True)
class ChunkAssigner:
    """The fitted model and how to read each of its columns: `labels(chunk)` is each row's segment id."""

    readers: tuple[ColumnReader, ...]
    model: Mixture
    segment_of_component: np.ndarray
    k: int

    def labels(self, chunk: pd.DataFrame) -> np.ndarray:
        if not len(chunk):
            return np.zeros(0, dtype=np.int32)
        space = FeatureSpace.of_blocks(tuple(reader.read(chunk) for reader in self.readers), len(chunk))
        labels = np.empty(len(chunk), dtype=np.int32)
        for start in range(0, len(chunk), ENCODE_ROWS):
            rows = np.arange(start, min(start + ENCODE_ROWS, len(chunk)))
            labels[rows] = self.segment_of_component[self.model.predict(encode(space, rows))]
        return labels


def fit_sample(
    sample: pd.DataFrame,
    *,
    k: int | None = None,
    seed: int = 0,
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    outcomes: Sequence[str] | None = None,
    cluster_on: Sequence[str] | None = None,
    value: str | Literal[False] | None = None,
    decimal_comma: bool | None = None,
    task_map: TaskMap | None = None,
) -> tuple[SegmentationResult, ChunkAssigner]:
    """The engine's result on `sample` (rows numbered from 0) and the assigner for every other row."""
    table = clean_frame(sample)
    decimal_comma = decimal_comma or None  # as `segment()` reads a file's dialect: False means "decide per column"
    table.attrs["decimal_comma"] = decimal_comma
    options = {"columns": columns, "exclude": exclude, "outcomes": outcomes, "cluster_on": cluster_on}
    fitted = fit_table(table, k=k, seed=seed, value=value, task_map=task_map, **options)
    model, segment_of = fitted.clustering.model, fitted.clustering.segment_of_component
    assert model is not None and segment_of is not None
    used = fitted.prepared.used_columns()
    latest = _latest_date(table, used)
    readers = tuple(
        _reader(column, block, table, decimal_comma=decimal_comma, latest=latest)
        for column, block in zip(used, fitted.space.blocks, strict=True)
    )
    return fitted.result, ChunkAssigner(readers, model, segment_of, fitted.result.k)


def _reader(
    column: PreparedColumn,
    block: Block,
    table: pd.DataFrame,
    *,
    decimal_comma: bool | None,
    latest: np.datetime64 | None,
) -> ColumnReader:
    source = column.source or column.name
    if column.role in ("categorical", "boolean"):
        return _code_reader(block, source, table[source])
    if column.role == "multilabel":
        return ColumnReader(block, source, "labels")
    if column.role == "date":
        per_year = DAYS_PER_YEAR if column.semantic == "age" else 1.0
        return ColumnReader(block, source, "days", latest=latest, per_year=per_year)
    return ColumnReader(block, source, "numbers", decimal_comma=decimal_comma)


def _code_reader(block: Block, source: str, series: pd.Series) -> ColumnReader:
    """Each distinct text of the sample's column paired with the block code its rows got."""
    assert block.codes is not None
    positions, uniques = pd.factorize(series, use_na_sentinel=True)
    first = np.full(len(uniques), -1, dtype=np.int64)
    seen = positions >= 0
    order = np.flatnonzero(seen)[::-1]
    first[positions[order]] = order  # the last write per unique is its first row
    codes = {text: int(block.codes[row]) for text, row in zip(cell_texts(uniques), first, strict=True) if row >= 0}
    # A block with an "other" level (more levels than it keeps) takes unseen texts there; else they are missing.
    unknown = block.width - 1 if block.width == MAX_LEVELS + 1 else block.width
    return ColumnReader(block, source, "codes", codes=codes, unknown=unknown)


def _latest_date(table: pd.DataFrame, used: tuple[PreparedColumn, ...]) -> np.datetime64 | None:
    """The latest date of the sample's date columns: the "now" its day counts were counted back to."""
    latest: np.datetime64 | None = None
    for column in used:
        if column.role != "date" or column.source is None:
            continue
        dates = value_parsers.parse_dates(table[column.source]).values
        dates = dates[~np.isnat(dates)]
        if len(dates):
            value = dates.max()
            latest = value if latest is None else max(latest, value)
    return latest


def with_sizes(result: SegmentationResult, sizes: np.ndarray) -> SegmentationResult:
    """The sample's result with each segment's size and share counted over all rows."""
    n_rows = int(sizes.sum())
    segments = tuple(
        replace(
            profile,
            size=int(sizes[profile.id]),
            share=float(sizes[profile.id]) / max(n_rows, 1),
            confidence_note=confidence_note(int(sizes[profile.id]), n_rows, profile.stability, noun=result.row_noun),
        )
        for profile in result.segments
    )
    return replace(result, segments=segments, n_rows=n_rows)
