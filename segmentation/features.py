"""The clustering space: every used column becomes a block of float32 columns with the same total variance.

Balance: each input column contributes total variance 1 before weighting, whatever its type or cardinality,
so a 40-level category does not outweigh a number and a number does not drown a category.
- numbers (incl. day counts from dates): log1p when right-skewed and non-negative (spend, counts), clipped
  to the 0.5..99.5 percentiles, standardized; missing cells sit at the mean (0).
- categories and booleans (two levels): one-hot over the most frequent levels (at most 24; the rest share
  "other"), centered, divided by sqrt(sum p(1-p)) so the block's total variance is 1; a missing cell is the
  all-zero (average) row.
- multi-label: multi-hot over the most frequent labels (at most 32), centered and scaled the same way; rows
  whose cell was missing sit at the average.
The same blocks feed the latent class model of `mixture.py` (numbers as Gaussians, levels and labels as
counts), which does the segmenting. The balanced rows, multiplied per column by weights (`rows(..., weights)`),
give it k-means starting partitions with noise columns faded, and `block_r2` measures how much of each
column's variance a partition explains (the column weights shown to users).

Rows are built on demand (`FeatureSpace.rows(indices)`): categories are a table lookup by level code and
multi-label blocks densify only the requested rows, so the full million-row matrix is never held at once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from segmentation.prepared import PreparedColumn, PreparedTable

MAX_LEVELS = 24
MAX_LABELS = 32
SKEW_FOR_LOG = 1.0
CLIP_PERCENTILES = (0.5, 99.5)
MASS_SHARE = 0.05
MIN_MASS_ROWS = 30
SPIKE_RATIO = 4.0  # a mass holds at least this many times the rows of a typical value
MAX_MASSES = 8


@dataclass(frozen=True)
class NumberScale:
    """How a numeric column became its block: learned on the fitted rows, applied as is to new rows."""

    divisor: float
    log: bool
    low: float
    high: float
    mean: float
    spread: float
    mass_values: np.ndarray  # the point masses' values, by mass code
    interior: bool

    def apply(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(standardized float32 values, 0 where missing; presence; mass code per row or None)."""
        present = np.isfinite(values)
        finite = values[present] / self.divisor
        if self.log:
            finite = np.log1p(np.maximum(finite, 0.0))
        out = np.zeros(len(values), dtype=np.float32)
        out[present] = (np.clip(finite, self.low, self.high) - self.mean) / self.spread
        if not len(self.mass_values):
            return out, present, None
        order = np.argsort(self.mass_values, kind="stable")
        sorted_values = self.mass_values[order]
        at = np.minimum(np.searchsorted(sorted_values, values[present]), len(sorted_values) - 1)
        hit = sorted_values[at] == values[present]
        masses = np.full(len(values), -1, dtype=np.int32)
        masses[present] = np.where(hit, order[at], len(self.mass_values)).astype(np.int32)
        return out, present, masses


@dataclass(frozen=True)
class Block:
    """One input column's slice of the clustering space."""

    name: str
    width: int
    # numeric: the transformed, standardized column (float32, one per row; 0 where missing) and presence
    values: np.ndarray | None = None
    present: np.ndarray | None = None
    # numeric with point masses (values held by many rows: zeros, 0/1 bounds, 1-5 ratings): the mass of each
    # row (0..n_masses-1; n_masses for any other value, -1 missing), and whether the other values are numerous
    # enough to be modelled as a number (else they are one more level)
    masses: np.ndarray | None = None
    n_masses: int = 0
    interior: bool = True
    # categorical: level code per row (-1 missing) and the row of the block for each code (last row: missing)
    codes: np.ndarray | None = None
    lookup: np.ndarray | None = None
    # multilabel: kept labels per row, their means, the scale, and which rows are known
    labels: sparse.csr_matrix | None = None
    means: np.ndarray | None = None
    scale: float = 1.0
    known: np.ndarray | None = None
    # how the numbers were transformed, and the kept labels' names: enough to build the block of new rows
    number_scale: NumberScale | None = None
    kept_labels: tuple[str, ...] = ()

    def rows(self, indices: np.ndarray) -> np.ndarray:
        if self.values is not None:
            return np.asarray(self.values[indices, None])
        if self.codes is not None and self.lookup is not None:
            return np.asarray(self.lookup[self.codes[indices]])
        assert self.labels is not None and self.means is not None and self.known is not None
        dense = (self.labels[indices].toarray().astype(np.float32) - self.means) / self.scale
        dense[~self.known[indices]] = 0.0
        return np.asarray(dense)


class FeatureSpace:
    """The balanced blocks of a prepared table, and the weight of each block (one per used column)."""

    def __init__(self, prepared: PreparedTable) -> None:
        self.blocks = tuple(_block(column) for column in prepared.used_columns())
        self.n_rows = prepared.n_rows
        self.weights = np.ones(len(self.blocks), dtype=np.float32)
        edges = np.cumsum([0] + [block.width for block in self.blocks])
        self.slices = tuple(slice(int(a), int(b)) for a, b in itertools.pairwise(edges))
        self.width = int(edges[-1])

    @classmethod
    def of_blocks(cls, blocks: tuple[Block, ...], n_rows: int) -> FeatureSpace:
        """A space over blocks built elsewhere (the rows of a chunk, encoded as the fitted space encodes)."""
        space = cls.__new__(cls)
        space.blocks = blocks
        space.n_rows = n_rows
        space.weights = np.ones(len(blocks), dtype=np.float32)
        edges = np.cumsum([0] + [block.width for block in blocks])
        space.slices = tuple(slice(int(a), int(b)) for a, b in itertools.pairwise(edges))
        space.width = int(edges[-1])
        return space

    def rows(self, indices: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """The weighted feature rows for `indices` (float32, len(indices) x width)."""
        weights = self.weights if weights is None else weights
        out = np.empty((len(indices), self.width), dtype=np.float32)
        for block, part, weight in zip(self.blocks, self.slices, weights, strict=True):
            out[:, part] = block.rows(indices) * np.float32(weight)
        return out

    def block_r2(self, matrix: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Share of each block's variance explained by `labels` (0 = unrelated, 1 = fully explained)."""
        k = int(labels.max()) + 1
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        sums = np.zeros((k, matrix.shape[1]), dtype=np.float64)
        np.add.at(sums, labels, matrix)
        centers = sums / np.maximum(counts, 1.0)[:, None]
        overall = matrix.mean(axis=0, dtype=np.float64)
        between = (counts[:, None] * (centers - overall) ** 2).sum(axis=0)
        total = ((matrix.astype(np.float64) - overall) ** 2).sum(axis=0)
        return np.array([between[part].sum() / max(total[part].sum(), 1e-12) for part in self.slices])


def _block(column: PreparedColumn) -> Block:
    if column.role == "categorical":
        assert column.categories is not None
        return _levels_block(column.name, np.asarray(column.categories.codes))
    if column.role == "boolean":
        assert column.numbers is not None
        flags = np.asarray(column.numbers, dtype=np.float64)
        return _levels_block(column.name, np.where(np.isfinite(flags), flags, -1).astype(np.int32))
    if column.role == "multilabel":
        return _multilabel_block(column)
    return _numeric_block(column)


HUGE = 1e100
"""Numbers larger than this are scaled down before their moments are taken."""


def _numeric_block(column: PreparedColumn) -> Block:
    assert column.numbers is not None
    values = np.asarray(column.numbers, dtype=np.float64)
    present = np.isfinite(values)
    finite = values[present]
    out = np.zeros(len(values), dtype=np.float32)
    if len(finite) == 0:
        return Block(column.name, 1, values=out, present=present)
    masses, n_masses, interior, mass_values = _point_masses(values, present)
    largest = float(np.abs(finite).max())
    finite = scaled_down(finite)
    log = bool(finite.min() >= 0 and _right_skewed(finite))
    if log:
        finite = np.log1p(finite)
    low, high = np.percentile(finite, CLIP_PERCENTILES)
    finite = np.clip(finite, low, high)
    spread = finite.std()
    mean = finite.mean()
    out[present] = (finite - mean) / (spread if spread > 0 else 1.0)
    number_scale = NumberScale(
        divisor=largest if largest > HUGE else 1.0,
        log=log,
        low=float(low),
        high=float(high),
        mean=float(mean),
        spread=float(spread) if spread > 0 else 1.0,
        mass_values=mass_values,
        interior=interior,
    )
    return Block(
        column.name,
        1,
        values=out,
        present=present,
        masses=masses,
        n_masses=n_masses,
        interior=interior,
        number_scale=number_scale,
    )


def _point_masses(values: np.ndarray, present: np.ndarray) -> tuple[np.ndarray | None, int, bool, np.ndarray]:
    """Values held by at least MASS_SHARE of the known rows and SPIKE_RATIO times a typical value's rows (at most
    MAX_MASSES, most common first); every value when there are at most MAX_MASSES.

    Within a segment such a value is a spike no Gaussian fits (a zero-inflated count, an open rate clipped at
    0 or 1, a 1-5 rating): modelled as a Gaussian, one segment would be split in two around it. The latent
    class model gives each mass a probability of its own and fits the Gaussian to the other values only.
    """
    finite = values[present]
    distinct, counts = np.unique(finite, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:MAX_MASSES]
    if len(distinct) <= MAX_MASSES:
        kept = order  # a handful of values (a 1-5 rating, a household size): each is a level of its own
    else:
        spike = max(MASS_SHARE * len(finite), MIN_MASS_ROWS, SPIKE_RATIO * float(np.median(counts)))
        kept = order[counts[order] >= spike]
    if not len(kept):
        return None, 0, True, np.zeros(0)
    code_of = np.full(len(distinct), len(kept), dtype=np.int32)
    code_of[kept] = np.arange(len(kept), dtype=np.int32)
    masses = np.full(len(values), -1, dtype=np.int32)
    masses[present] = code_of[np.searchsorted(distinct, finite)]
    interior = float(np.mean(masses[present] == len(kept))) >= MASS_SHARE
    return masses, len(kept), interior, distinct[kept]


def scaled_down(finite: np.ndarray) -> np.ndarray:
    """`finite` divided by its largest magnitude when that is huge (9e307 and the like), else unchanged.

    Sums of squares (and cubes, for the skew) of such numbers overflow to inf; standardised values, skew and
    segment-vs-overall differences do not change with the scale.
    """
    largest = float(np.abs(finite).max()) if len(finite) else 0.0
    return finite / largest if largest > HUGE else finite


def _levels_block(name: str, raw: np.ndarray) -> Block:
    """Categories (and booleans as two levels) from level codes, -1 where missing."""
    counts = np.bincount(raw[raw >= 0])
    order = np.argsort(-counts, kind="stable")
    kept = order[:MAX_LEVELS]
    width = len(kept) + (1 if len(order) > MAX_LEVELS else 0)
    remap = np.full(len(counts), width - 1, dtype=np.int32)
    remap[kept] = np.arange(len(kept), dtype=np.int32)
    codes = np.where(raw >= 0, remap[np.maximum(raw, 0)], width).astype(np.int32)
    level_counts = np.bincount(codes, minlength=width + 1)[:width].astype(np.float64)
    shares = level_counts / max(level_counts.sum(), 1.0)
    scale = np.sqrt(max(float((shares * (1 - shares)).sum()), 1e-12))
    lookup = np.zeros((width + 1, width), dtype=np.float32)
    lookup[:width] = (np.eye(width) - shares) / scale
    return Block(name, width, codes=codes, lookup=lookup)


def _multilabel_block(column: PreparedColumn) -> Block:
    assert column.labels is not None and column.labels_known is not None
    labels = sparse.csr_matrix(column.labels)
    known = np.asarray(column.labels_known, dtype=bool)
    frequency = np.asarray(labels[known].sum(axis=0)).ravel()
    kept = np.sort(np.argsort(-frequency, kind="stable")[:MAX_LABELS])
    kept_labels = sparse.csr_matrix(labels[:, kept], dtype=np.float32)
    means = (frequency[kept] / max(int(known.sum()), 1)).astype(np.float32)
    scale = float(np.sqrt(max(float((means * (1 - means)).sum()), 1e-12)))
    names = tuple(column.vocabulary[int(i)] for i in kept)
    return Block(column.name, len(kept), labels=kept_labels, means=means, scale=scale, known=known, kept_labels=names)


def _right_skewed(values: np.ndarray) -> bool:
    """Whether the skewness of `values` is above SKEW_FOR_LOG, decided as from `centered**3` (one `pow` a row).

    `centered * centered * centered` is a hundred times cheaper (a third of a second per million rows) and off by
    a few units in the last place per row; when that could move the skewness across SKEW_FOR_LOG (within a
    generous bound of the rounding), `pow`'s cubes decide, so the answer is always the same."""
    centered = values - values.mean()
    spread = centered.std()
    if not spread > 0:
        return False
    scale = spread**3
    if scale > 0:  # not when the cube of a tiny spread underflows: then `pow` decides, as before
        cubes = centered * centered * centered
        skew = float(cubes.mean() / scale)
        margin = 64 * np.finfo(np.float64).eps * float(np.abs(cubes).mean() / scale)
        if abs(skew - SKEW_FOR_LOG) > margin:  # False for inf and nan: then `pow` decides
            return skew > SKEW_FOR_LOG
    return float((centered**3).mean() / scale) > SKEW_FOR_LOG
