"""Clustering: the choice of k, the segments of every row, their stability and the column weights.

Everything is learned on an order-free sample and then applied to every row:
- The sample is the rows with the smallest seeded hash of their feature values, so shuffling the file picks
  the same rows in the same order (and so the same partition); identical rows are interchangeable.
- k: for each candidate, the latent class model of `mixture.py` is fitted by EM on the selection sample
  (4,000 rows) from a few k-means starts in the balanced space of `features.py`, and scored by ICL (BIC plus
  the entropy of the assignments: it rewards fit, penalises parameters and overlapping segments). The
  lowest ICL wins; candidates whose smallest segment holds under 1% of the sample are passed over, since a
  segment of a few outliers is not an audience. `k_scores` is -ICL per sampled row (higher is better).
  Measured on our planted audiences (benchmarks/bench_accuracy.py), silhouette on one-hot features picks
  k=2 on most of them, and k-means-based stability keeps splitting segments on their booleans, while ICL on
  the mixture finds the planted k.
- Final fit: EM on a larger sample (20,000 rows) started from the chosen model; every row then goes to its
  most likely segment, chunk by chunk in float32, so a million rows cost one pass. Segment ids are 0..k-1
  by size, largest first.
- Stability per segment: the mean best Jaccard overlap of the segment with the segments of models refitted
  on random 70% subsamples from fresh starts (1 = always found again; below ~0.6 = not a reliable segment).
- Column weights (reported per column): the share of the column's variance the segments explain, over the
  largest such share; pure noise columns come out near 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from segmentation.features import FeatureSpace
from segmentation.mixture import Mixture, MixtureData, encode, fit_mixture

SELECT_ROWS = 4_000
FIT_ROWS = 20_000
STARTS = 3
FIRST_PASS_K = 8
MIN_SEGMENT_SHARE = 0.01
STABILITY_REFITS = 5
STABILITY_SHARE = 0.7
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class Clustering:
    """What `cluster` found: a segment for every row (0 = largest) and why this k."""

    labels: np.ndarray
    k: int
    k_scores: dict[int, float]
    k_reason: str
    stability: float
    stability_by_segment: dict[int, float]
    weights: np.ndarray


def cluster(space: FeatureSpace, *, k: int | None, k_range: range, seed: int) -> Clustering:
    # The products here are small: one thread is faster than several fighting over shared cores.
    with threadpool_limits(limits=1):
        return _cluster(space, k=k, k_range=k_range, seed=seed)


def _cluster(space: FeatureSpace, *, k: int | None, k_range: range, seed: int) -> Clustering:
    order = sample_order(space, seed)
    select = order[:SELECT_ROWS]
    data = encode(space, select)
    balanced = _start_space(space, select, data, seed)
    fits = {candidate: best_fit(data, balanced, candidate, seed) for candidate in ([k] if k else k_range)}
    chosen = k or choose_k(fits)
    fit_rows = order[:FIT_ROWS]
    fit_data = encode(space, fit_rows)
    model = fit_mixture(fit_data, _dense_labels(fits[chosen].predict(fit_data), chosen), chosen)
    labels, model = _by_size(assign(space, model), model)
    sample_labels = labels[select]
    by_segment = segment_stability(data, balanced, sample_labels, chosen, seed)
    sizes = np.bincount(labels, minlength=chosen)
    return Clustering(
        labels=labels,
        k=chosen,
        k_scores={candidate: -fit.icl / data.n_rows for candidate, fit in fits.items()},
        k_reason=k_reason(fits, chosen, forced=k is not None, stability=by_segment),
        stability=float(np.average(list(by_segment.values()), weights=sizes)),
        stability_by_segment=by_segment,
        weights=column_weights(space, balanced, sample_labels),
    )


def sample_order(space: FeatureSpace, seed: int) -> np.ndarray:
    """Row indices ordered by a seeded hash of each row's features: the same rows whatever the file order."""
    hashes = np.full(space.n_rows, np.uint64(0x9E3779B97F4A7C15) * np.uint64(seed + 1), dtype=np.uint64)
    for position, block in enumerate(space.blocks):
        if block.values is not None:
            part = block.values.view(np.uint32).astype(np.uint64)
        elif block.codes is not None:
            part = block.codes.astype(np.uint64)
        else:
            assert block.labels is not None
            salts = np.random.default_rng(position).random(block.labels.shape[1])
            part = np.asarray(block.labels @ salts, dtype=np.float64).view(np.uint64)
        hashes = _mix(hashes ^ _mix(part + np.uint64(position + 1)))
    return np.argsort(hashes, kind="stable")


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole word."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def best_fit(data: MixtureData, balanced: np.ndarray, k: int, seed: int, starts: int = STARTS) -> Mixture:
    """The best of EM runs from `starts` k-means partitions of the balanced space."""
    best: Mixture | None = None
    for start in range(starts):
        initial = KMeans(n_clusters=k, n_init=1, random_state=seed * 7919 + start, max_iter=50).fit(balanced)
        model = fit_mixture(data, initial.labels_.astype(np.int32), k)
        if best is None or model.log_likelihood > best.log_likelihood:
            best = model
    assert best is not None
    return best


def _start_space(space: FeatureSpace, rows: np.ndarray, data: MixtureData, seed: int) -> np.ndarray:
    """The balanced rows with noise columns faded by a first over-segmented fit: better k-means starts."""
    plain = space.rows(rows)
    first = best_fit(data, plain, FIRST_PASS_K, seed, starts=1)
    weights = column_weights(space, plain, first.predict(data))
    return space.rows(rows, np.sqrt(weights).astype(np.float32))


def choose_k(fits: dict[int, Mixture]) -> int:
    """Lowest ICL among the candidates whose every segment holds at least 1% of the sample."""
    usable = [k for k, fit in fits.items() if fit.smallest_share >= MIN_SEGMENT_SHARE] or list(fits)
    return min(usable, key=lambda k: (fits[k].icl, k))


def assign(space: FeatureSpace, model: Mixture) -> np.ndarray:
    """The most likely segment of every row, encoded and scored chunk by chunk."""
    labels = np.empty(space.n_rows, dtype=np.int32)
    for start in range(0, space.n_rows, CHUNK_ROWS):
        rows = np.arange(start, min(start + CHUNK_ROWS, space.n_rows))
        labels[rows] = model.predict(encode(space, rows))
    return labels


def segment_stability(
    data: MixtureData, balanced: np.ndarray, labels: np.ndarray, k: int, seed: int
) -> dict[int, float]:
    """Per segment: mean best Jaccard overlap with the segments of refits on random subsamples."""
    rng = np.random.default_rng(seed + 7)
    size = int(data.n_rows * STABILITY_SHARE)
    scores = np.zeros(k)
    for refit in range(STABILITY_REFITS):
        rows = np.sort(rng.permutation(data.n_rows)[:size])
        model = best_fit(_subset(data, rows), balanced[rows], k, seed + 31 * (refit + 1), starts=1)
        other = model.predict(data)
        other_sizes = np.bincount(other, minlength=k)
        for segment in range(k):
            mine = labels == segment
            if mine.any():
                overlap = np.bincount(other[mine], minlength=k)
                scores[segment] += float((overlap / (mine.sum() + other_sizes - overlap)).max())
    return {segment: float(scores[segment] / STABILITY_REFITS) for segment in range(k)}


def column_weights(space: FeatureSpace, balanced: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Share of each column's variance explained by the segments, relative to the best-explained column."""
    r2 = space.block_r2(balanced, labels)
    return r2 / max(float(r2.max()), 1e-12)


def _subset(data: MixtureData, rows: np.ndarray) -> MixtureData:
    return MixtureData(design=data.design[rows], n_numbers=data.n_numbers, level_blocks=data.level_blocks,
                       n_labels=data.n_labels)


def _dense_labels(labels: np.ndarray, k: int) -> np.ndarray:
    """A start partition with every segment present (an empty one takes a row from the largest)."""
    labels = labels.copy()
    for segment in range(k):
        if not (labels == segment).any():
            largest = int(np.bincount(labels, minlength=k).argmax())
            labels[np.flatnonzero(labels == largest)[0]] = segment
    return labels


def _by_size(labels: np.ndarray, model: Mixture) -> tuple[np.ndarray, Mixture]:
    """Renumber segments 0..k-1 by size, largest first (ties by parameters, never by row order)."""
    sizes = np.bincount(labels, minlength=model.k)
    order = np.lexsort((model.means.sum(axis=1) if model.means.size else np.zeros(model.k), -sizes))
    rank = np.empty(model.k, dtype=np.int32)
    rank[order] = np.arange(model.k, dtype=np.int32)
    return rank[labels], model.reordered(order)


def k_reason(fits: dict[int, Mixture], chosen: int, *, forced: bool, stability: dict[int, float]) -> str:
    """One sentence: why this k, with the neighbouring candidates' scores."""
    n = fits[chosen].n_rows
    score = -fits[chosen].icl / n
    weakest = min(stability, key=lambda s: stability[s])
    tail = f"least stable segment {weakest} ({stability[weakest]:.2f})"
    if forced:
        return f"k={chosen} was asked for (fit score {score:.2f}); {tail}."
    neighbours = [
        f"k={other}: {-fits[other].icl / n:.2f}" for other in (chosen - 1, chosen + 1) if other in fits
    ]
    small = [other for other, fit in fits.items() if fit.smallest_share < MIN_SEGMENT_SHARE and
             fit.icl < fits[chosen].icl]
    skipped = f"; k={', '.join(map(str, small))} passed over for segments under 1%" if small else ""
    compared = f" vs {', '.join(neighbours)}" if neighbours else ""
    return f"k={chosen}: best fit score {score:.2f} (penalised likelihood per row){compared}{skipped}; {tail}."
