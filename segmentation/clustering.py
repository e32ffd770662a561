"""Clustering: the choice of k, the segments of every row, their stability and the column weights.

Everything is learned on an order-free sample and then applied to every row:
- The sample is the rows with the smallest seeded hash of their feature values, so shuffling the file picks
  the same rows in the same order (and so the same partition); identical rows are interchangeable.
- k: for each candidate, from 1 upwards, the latent class model of `mixture.py` is fitted by EM on the selection sample
  (4,000 rows) from a few k-means starts in the balanced space of `features.py` (noise columns faded by a
  first over-segmented fit) and from its neighbours' fits: k-1's with its widest segment cut in two and, when
  k+1's holds a segment under 5%, k+1's with the two segments whose merging costs least likelihood made one
  (kept only when it both fits better and scores a better ICL). A distinct segment of 2-3% that no start at its
  k isolates (the starts split the dominant segment instead) is found at a larger k and carried down by that
  merge (tuning seeds of `benchmarks/families.py`, `imbalanced`: the 2-3% segment at Jaccard 0.81, was 0.30,
  for 6-18% more CPU time on bot/samples/sample_audience.csv). Each fit is scored by ICL (BIC plus the entropy of the
  assignments: it rewards fit and penalises parameters and overlapping segments). On real files, which are not
  mixtures of Gaussians, ICL alone keeps improving up to k=12, so each candidate is also refitted on three
  random 70% subsamples: its stability is the mean adjusted Rand agreement with those refits. k is the
  lowest-ICL candidate among the stable ones (stability >= 0.8, or within 0.05 of the most stable when none
  reaches 0.8) whose every segment holds at least 1% of the sample. The scan of candidates stops once the fit
  got worse at three candidates in a row above the k it would choose, unless the last holds a segment under 5%
  (`scan_done`): larger k, which take most of the time (EM needs more iterations as k grows), would have to
  reverse that trend and be stable too. Chosen on the 78 tuning audiences of `benchmarks/families.py` at 3,000
  rows: the same k as the full scan on every one for 30% less CPU time (stopping after two worse fits lost the
  k of 3 of them, 1 with the small-segment condition; after three without it, 1); the 3,000-row sample stops
  at k=8 for about half the CPU time. `k_scores` is -ICL per sampled row (higher is better), `k_stability` the
  agreement. Measured (benchmarks/bench_accuracy.py): silhouette on
  one-hot features picks k=2 on most planted audiences, and k-means splits segments on their booleans; this
  finds the planted k.
- Final fit: EM on a larger sample (20,000 rows) started from the chosen model; every row then goes to its
  most likely segment, chunk by chunk in float32, so a million rows cost one pass. Segment ids are 0..k-1
  by size, largest first.
- Stability per segment: the mean best Jaccard overlap of the segment with the segments of the chosen k's
  three refits (1 = always found again; below ~0.6 = not a reliable segment); overall: size-weighted mean.
- Column weights (reported per column): the share of the column's variance the segments explain, over the
  largest such share; pure noise columns come out near 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from threadpoolctl import threadpool_limits

from segmentation.agreement import adjusted_rand
from segmentation.features import FeatureSpace
from segmentation.kmeans import kmeans_labels
from segmentation.merging import merge_groups
from segmentation.mixture import Mixture, MixtureData, e_step, encode, fit_mixture, m_step
from segmentation.task_map import PARALLEL_MIN_ROWS, TaskMap, serial_map

SELECT_ROWS = 4_000
FIT_ROWS = 20_000
STARTS = 1
RANDOM_STARTS = 2
FIRST_PASS_K = 8
MIN_SEGMENT_SHARE = 0.01
SMALL_SEGMENT = 0.05  # a fit with a segment this small is carried down to k-1 by merging two others
STABILITY_REFITS = 3
STABLE = 0.8
STABLE_SLACK = 0.05
STABILITY_SHARE = 0.7
NEAR_TIE = 0.005  # fit score difference per sampled row under which two k fit about equally well
# The scan of candidate k fits 1..SCAN_FIRST, then one k at a time, and stops once the fit score got worse at each of
# the last WORSE_IN_A_ROW candidates, all of them above the k it would choose (see `scan_done`).
SCAN_FIRST = 4
WORSE_IN_A_ROW = 3
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class Clustering:
    """What `cluster` found: a segment for every row (0 = largest) and why this k."""

    labels: np.ndarray
    k: int
    k_scores: dict[int, float]
    k_stability: dict[int, float]
    k_reason: str
    stability: float
    stability_by_segment: dict[int, float]
    weights: np.ndarray
    k_alternative: int | None = None
    k_alternative_reason: str | None = None
    no_distinct_segments: bool = False
    k_merged_from: int | None = None
    # The final model and the segment id of each of its components: what assigns rows the fit never saw.
    model: Mixture | None = None
    segment_of_component: np.ndarray | None = None


def cluster(
    space: FeatureSpace, *, k: int | None, k_range: range, seed: int, task_map: TaskMap | None = None
) -> Clustering:
    """`task_map` runs the independent searches of the choice of k (see `task_map.py`); None: in turn."""
    # The products here are small: one thread is faster than several fighting over shared cores.
    with threadpool_limits(limits=1):
        return _cluster(space, k=k, k_range=k_range, seed=seed, task_map=task_map)


def _cluster(space: FeatureSpace, *, k: int | None, k_range: range, seed: int, task_map: TaskMap | None) -> Clustering:
    order = sample_order(space, seed, first=FIT_ROWS)
    select = order[:SELECT_ROWS]
    data = encode(space, select)
    first_k = min(FIRST_PASS_K, max(k or 2, k_range.stop - 1))
    balanced = _start_space(space, select, data, first_k, seed)
    candidates = (k,) if k else tuple(k_range)
    searches = [CandidateSearch(data, balanced, candidates, seed), *refit_searches(data, balanced, candidates, seed)]
    run = task_map if task_map is not None and data.n_rows >= PARALLEL_MIN_ROWS else serial_map
    fits, *refit_fits = search_all(searches, run)
    stability = k_stability(data, fits, refit_fits)
    chosen, bar = (k, 0.0) if k else choose_k(fits, stability)
    groups = (
        np.arange(chosen, dtype=np.int32)
        if k or chosen == 1
        else merge_groups(fits[chosen], data, encode(space, select, point_masses=False))
    )
    n_segments = int(groups.max()) + 1
    alternative = None if k or n_segments < chosen else near_tie(fits, stability, chosen, bar)
    # A forced split is checked against one segment for everyone: the report warns when that fits better.
    single = fits[1] if 1 in fits else best_fit(data, balanced, 1, seed, starts=1)
    fit_rows = order[:FIT_ROWS]
    fit_data = encode(space, fit_rows)
    model = fit_mixture(fit_data, _dense_labels(fits[chosen].predict(fit_data), chosen), chosen)
    components = assign(space, model, task_map if task_map is not None and space.n_rows > CHUNK_ROWS else serial_map)
    rank = _size_rank(groups[components], model.means, groups)
    labels = np.asarray(rank[groups[components]])
    sample_labels = labels[select]
    refits = [_onto(other[chosen].predict(data), sample_labels) for other in refit_fits]
    by_segment = segment_stability(sample_labels, refits, n_segments)
    sizes = np.bincount(labels, minlength=n_segments)
    overall_stability = float(np.average(list(by_segment.values()), weights=sizes))
    return Clustering(
        labels=labels,
        k=n_segments,
        k_scores={candidate: -fit.icl / data.n_rows for candidate, fit in fits.items()},
        k_stability=stability,
        k_reason=k_reason(
            fits,
            stability,
            chosen,
            bar=bar,
            forced=k is not None,
            merged=n_segments,
            stopped=max(fits) < max(candidates),
            alternative=alternative,
            found_again=overall_stability,
        ),
        stability=overall_stability,
        stability_by_segment=by_segment,
        weights=column_weights(space, balanced, sample_labels) if n_segments > 1 else np.zeros(len(space.blocks)),
        k_alternative=alternative,
        k_alternative_reason=None if alternative is None else tie_reason(chosen, alternative, stability),
        no_distinct_segments=n_segments == 1 or single.icl <= fits[chosen].icl,
        k_merged_from=chosen if n_segments < chosen else None,
        model=model,
        segment_of_component=np.asarray(rank[groups], dtype=np.int32),
    )


def _onto(other: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """A refit's components mapped onto the segments they overlap most (a merged segment spans several)."""
    table = np.zeros((int(other.max()) + 1, int(labels.max()) + 1))
    np.add.at(table, (other, labels), 1)
    return np.asarray(table.argmax(axis=1)[other], dtype=np.int32)


def sample_order(space: FeatureSpace, seed: int, *, first: int | None = None) -> np.ndarray:
    """Row indices ordered by a seeded hash of each row's features: the same rows whatever the file order.

    `first`: only the first that many of that order (what the samples take), found without sorting every row."""
    hashes = _row_hashes(space, seed)
    if first is None or first >= len(hashes):
        return np.argsort(hashes, kind="stable")
    return _smallest_in_order(hashes, first)


def _smallest_in_order(hashes: np.ndarray, n: int) -> np.ndarray:
    """`np.argsort(hashes, kind="stable")[:n]`: the rows below the n-th smallest hash, then rows holding that
    hash by position, as many as it takes; sorted by hash, position breaking ties."""
    if n <= 0:
        return np.zeros(0, dtype=np.intp)
    cutoff = np.partition(hashes, n - 1)[n - 1]
    below = np.flatnonzero(hashes < cutoff)
    chosen = np.sort(np.concatenate([below, np.flatnonzero(hashes == cutoff)[: n - len(below)]]))
    return chosen[np.argsort(hashes[chosen], kind="stable")]


def _row_hashes(space: FeatureSpace, seed: int) -> np.ndarray:
    start = (0x9E3779B97F4A7C15 * (seed % 2**63 + 1)) % 2**64
    hashes = np.full(space.n_rows, start, dtype=np.uint64)
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
    return hashes


def derived_seed(seed: int, *salt: int) -> int:
    """A 32-bit seed for one step, from the user's seed (any integer, negative too) and the step's salt."""
    return int(np.random.SeedSequence([seed % 2**63, *salt]).generate_state(1)[0])


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole word."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(values ^ (values >> np.uint64(31)))


def search_all(searches: list[CandidateSearch], run: TaskMap) -> list[dict[int, Mixture]]:
    """The best fit for each candidate k of every search (the first is the selection sample's, the rest its
    refits'), scanning the candidates upwards in steps whose tasks `run` may spread.

    A k's best fit is the best of EM from its k-means and random starts, from the best fit for k-1 with one
    segment split (`_split_start`) and from the best fit for k+1 with two segments merged (`merge_start`, when
    that fit holds a segment under SMALL_SEGMENT). Each step is one task per search (`fit_step`): its k fitted
    from their own starts, largest first, then the search's chain of split starts continued up to them and its
    chain of merge starts run down from the top. The first step fits k up to SCAN_FIRST, each later step the
    next k; after each the scan stops when `scan_done` says the larger k cannot be worth their cost.
    """
    candidates = sorted({k for search in searches for k in search.candidates})
    splits: list[dict[int, Mixture]] = [{} for _ in searches]
    fits: list[dict[int, Mixture]] = splits
    for step in _scan_steps(candidates):
        chained = run(fit_step, [(search, split, step) for search, split in zip(searches, splits, strict=True)])
        splits = [split for split, _ in chained]
        fits = [merged for _, merged in chained]
        if scan_done(fits[0], k_stability(searches[0].data, fits[0], fits[1:])):
            break
    return fits


def _scan_steps(candidates: list[int]) -> list[list[int]]:
    """The candidates up to SCAN_FIRST, then each larger one alone: the steps of the scan."""
    first = [k for k in candidates if k <= SCAN_FIRST]
    return ([first] if first else []) + [[k] for k in candidates if k > SCAN_FIRST]


def scan_done(fits: dict[int, Mixture], stability: dict[int, float]) -> bool:
    """True when the scan of larger k can stop: the fit score got worse at each of the last WORSE_IN_A_ROW
    candidates fitted, all of them above the k `choose_k` takes from those fitted, and the last fit holds no
    segment under SMALL_SEGMENT (when it does, the larger k's fits are likely to as well, and a merge start
    carries such a fit down: it could still improve the fits below)."""
    last = sorted(fits)[-WORSE_IN_A_ROW:]
    if len(fits) <= WORSE_IN_A_ROW or fits[last[-1]].smallest_share < SMALL_SEGMENT:
        return False
    chosen, _ = choose_k(fits, stability)
    return all(k > chosen and k - 1 in fits and fits[k].icl > fits[k - 1].icl for k in last)


def k_stability(data: MixtureData, fits: dict[int, Mixture], refit_fits: list[dict[int, Mixture]]) -> dict[int, float]:
    """Each candidate's stability: the mean adjusted Rand agreement of its fit's labels of the sample with those
    of its refits' models."""
    return {
        candidate: float(
            np.mean([adjusted_rand(fit.predict(data), other[candidate].predict(data)) for other in refit_fits])
        )
        for candidate, fit in fits.items()
    }


def fit_step(
    task: tuple[CandidateSearch, dict[int, Mixture], list[int]],
) -> tuple[dict[int, Mixture], dict[int, Mixture]]:
    """One search's part of a scan step, a task: the step's k fitted from their own starts, largest first, then
    the search's chains (`fit_split_chain`). One task per search keeps a step to one round of tasks: each round
    forks the engine's processes, which costs more the larger the file in memory."""
    search, splits, step = task
    firsts = {k: fit_from_starts((search, k)) for k in reversed(step) if k in search.candidates}
    return fit_split_chain((search, splits, firsts))


def fit_from_starts(task: tuple[CandidateSearch, int]) -> Mixture:
    """The best EM fit for one k of a search from its k-means and random starts (part of `fit_step`)."""
    search, k = task
    data, balanced = search.sample()
    return best_fit(data, balanced, k, search.seed)


def fit_split_chain(
    task: tuple[CandidateSearch, dict[int, Mixture], dict[int, Mixture]],
) -> tuple[dict[int, Mixture], dict[int, Mixture]]:
    """A search's best fit for each k so far, as the end of a `fit_step`: its chain of split starts continued
    from the k fitted before (`splits`) up the step's k (`firsts`, from their own starts), then its chain of
    merge starts down all of them.

    Split: the first round's fit, or EM from the best fit for k-1 with a segment split when that fits better (a
    tie keeps the first round's). Merge, down the candidates: EM from the best fit for k+1 with two segments
    merged, when that fit holds a segment under SMALL_SEGMENT (what the merge carries down) and the result has
    both the higher likelihood and the lower ICL (a better fit that blurs segments, or a crisper one that fits
    worse, does not replace it). Returns the split chain (where the next step continues) and the merged fits.
    """
    search, splits, firsts = task
    data, balanced = search.sample()
    fits = dict(splits)
    for k in sorted(firsts):
        fits[k] = firsts[k]
        split = _split_start(fits[k - 1], data, balanced, search.seed) if k - 1 in fits else None
        if split is not None:
            model = fit_mixture(data, _dense_labels(split.astype(np.int32), k), k)
            if model.log_likelihood > fits[k].log_likelihood:
                fits[k] = model
    merged = dict(fits)
    for k in sorted(merged, reverse=True):
        if k > 1 and k + 1 in merged and merged[k + 1].smallest_share < SMALL_SEGMENT:
            model = fit_mixture(data, _dense_labels(merge_start(merged[k + 1], data), k), k)
            if model.log_likelihood > merged[k].log_likelihood and model.icl < merged[k].icl:
                merged[k] = model
    return fits, merged


def best_fit(
    data: MixtureData,
    balanced: np.ndarray,
    k: int,
    seed: int,
    *,
    starts: int = STARTS,
) -> Mixture:
    """The best of EM runs from `starts` k-means partitions of the balanced space, RANDOM_STARTS random
    partitions (k-means on one-hot categories misses segments led by categories; random starts find them)."""
    initials = [
        _kmeans_labels(balanced, k, n_init=1, seed=derived_seed(seed, k, start), max_iter=50) for start in range(starts)
    ]
    if k > 1:
        initials += [
            np.random.default_rng(derived_seed(seed, k, 31, start)).integers(0, k, data.n_rows)
            for start in range(RANDOM_STARTS)
        ]
    best: Mixture | None = None
    for initial in initials:
        model = fit_mixture(data, _dense_labels(initial.astype(np.int32), k), k)
        if best is None or model.log_likelihood > best.log_likelihood:
            best = model
    assert best is not None
    return best


def _kmeans_labels(points: np.ndarray, k: int, *, n_init: int, seed: int, max_iter: int = 300) -> np.ndarray:
    """k-means labels of `points` (a start for EM): scikit-learn's KMeans, step for step (`kmeans.py`).

    A file with fewer distinct rows than k is normal input here: k-means then returns fewer groups, EM copes,
    and the choice of k reports it; nothing is printed.
    """
    return kmeans_labels(points, k, n_init=n_init, seed=seed, max_iter=max_iter)


def _split_start(model: Mixture, data: MixtureData, balanced: np.ndarray, seed: int) -> np.ndarray | None:
    """A (k+1)-segment start: the model's segments, with the most spread-out one cut in two by 2-means.

    None when no segment holds two different rows: a fit can leave a component with no row at all (a file
    of a few distinct values), and there is nothing to cut."""
    labels = model.predict(data)
    spread = [
        float(((balanced[labels == s] - balanced[labels == s].mean(axis=0)) ** 2).sum())
        if (labels == s).sum() > 1
        else 0.0
        for s in range(model.k)
    ]
    widest = int(np.argmax(spread))
    if spread[widest] <= 0.0:
        return None
    members = np.flatnonzero(labels == widest)
    halves = _kmeans_labels(balanced[members], 2, n_init=2, seed=derived_seed(seed, model.k, 99))
    labels = labels.copy()
    labels[members[halves == 1]] = model.k
    return labels


def merge_start(model: Mixture, data: MixtureData) -> np.ndarray:
    """A (k-1)-segment start: the model's segments, with the two whose merging costs the least likelihood made one.

    Every pair is merged by its moments (one component fitted to both's posterior weight, no EM), all pairs
    in one M-step; the loss is the drop in the sample's log-likelihood."""
    posterior, _, _ = e_step(model, data)
    first, second = np.triu_indices(model.k, 1)
    pairs = m_step(data, posterior[:, first] + posterior[:, second])
    weights = np.logaddexp(model.log_weights[first], model.log_weights[second])
    joint = model.log_joint(data).astype(np.float64)
    top = joint.max(axis=1, keepdims=True)
    scaled = np.exp(joint - top)
    rest = np.maximum(scaled.sum(axis=1, keepdims=True) - scaled[:, first] - scaled[:, second], 0.0)
    merged = pairs.log_joint(data).astype(np.float64) - pairs.log_weights + weights - top
    reference = np.maximum(merged, 0.0)
    log_likelihood = (reference + np.log(rest * np.exp(-reference) + np.exp(merged - reference))).sum(axis=0)
    best = int(np.argmax(log_likelihood))
    labels = model.predict(data)
    labels[labels == second[best]] = first[best]
    return np.asarray(np.unique(labels, return_inverse=True)[1], dtype=np.int32)


def _start_space(space: FeatureSpace, rows: np.ndarray, data: MixtureData, first_k: int, seed: int) -> np.ndarray:
    """The balanced rows with noise columns faded by a first over-segmented fit: better k-means starts."""
    plain = space.rows(rows)
    first = best_fit(data, plain, first_k, seed, starts=1)
    weights = column_weights(space, plain, first.predict(data))
    return space.rows(rows, np.sqrt(weights).astype(np.float32))


@dataclass(frozen=True)
class CandidateSearch:
    """One search over the candidate k: on the selection sample, or (`rows`) on one refit's subsample of it."""

    data: MixtureData
    balanced: np.ndarray
    candidates: tuple[int, ...]
    seed: int
    rows: np.ndarray | None = None

    def sample(self) -> tuple[MixtureData, np.ndarray]:
        """The rows searched: design and balanced rows."""
        if self.rows is None:
            return self.data, self.balanced
        return _subset(self.data, self.rows), self.balanced[self.rows]


def refit_searches(
    data: MixtureData, balanced: np.ndarray, candidates: tuple[int, ...], seed: int
) -> list[CandidateSearch]:
    """The searches of the stability refits, each on a random 70% subsample; their models label the whole sample.

    Refits run the same search as the fit being checked (k-means starts plus the subsample's own k-1 fit with
    a segment split), never starting from that fit, so a real segment is found again and an arbitrary split
    of one is not.
    """
    rng = np.random.default_rng(derived_seed(seed, 7))
    size = int(data.n_rows * STABILITY_SHARE)
    return [
        CandidateSearch(
            data, balanced, candidates, derived_seed(seed, 53, refit), np.sort(rng.permutation(data.n_rows)[:size])
        )
        for refit in range(STABILITY_REFITS)
    ]


def choose_k(fits: dict[int, Mixture], stability: dict[int, float]) -> tuple[int, float]:
    """The best-fitting (lowest ICL) candidate among the stable ones; returns k and the stability bar used.

    Stable: refits on subsamples agree with the fit (adjusted Rand >= 0.8, or within 0.05 of the most stable
    candidate when none reaches 0.8) and every segment holds at least 1% of the sample.
    """
    bar = min(STABLE, max(stability.values()) - STABLE_SLACK)
    usable = [k for k, fit in fits.items() if fit.smallest_share >= MIN_SEGMENT_SHARE and stability[k] >= bar]
    usable = usable or [max(stability, key=lambda k: stability[k])]
    return min(usable, key=lambda k: (fits[k].icl, k)), bar


def near_tie(fits: dict[int, Mixture], stability: dict[int, float], chosen: int, bar: float) -> int | None:
    """Another usable k whose score is within NEAR_TIE per sampled row of the chosen one (the closest), or None."""
    n = fits[chosen].n_rows
    usable = [
        k
        for k, fit in fits.items()
        if k != chosen and stability[k] >= bar and (k == 1 or fit.smallest_share >= MIN_SEGMENT_SHARE)
    ]
    close = [k for k in usable if abs(fits[k].icl - fits[chosen].icl) / n <= NEAR_TIE]
    return min(close, key=lambda k: abs(fits[k].icl - fits[chosen].icl)) if close else None


def tie_reason(chosen: int, alternative: int, stability: dict[int, float]) -> str:
    """Why `chosen` is shown rather than the near-tied `alternative`, in plain words."""
    if stability[chosen] > stability[alternative] + 0.02:
        return "it is the more stable when the data is resampled"
    if chosen < alternative:
        return "it scores slightly better and is the simpler of the two"
    return "it scores slightly better"


def assign(space: FeatureSpace, model: Mixture, run: TaskMap = serial_map) -> np.ndarray:
    """The most likely segment of every row, encoded and scored chunk by chunk (the chunks as tasks of `run`)."""
    starts = range(0, space.n_rows, CHUNK_ROWS)
    chunks = run(partial(_assign_chunk, space, model), starts)
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int32)


def _assign_chunk(space: FeatureSpace, model: Mixture, start: int) -> np.ndarray:
    rows = np.arange(start, min(start + CHUNK_ROWS, space.n_rows))
    return model.predict(encode(space, rows))


def segment_stability(labels: np.ndarray, refits: list[np.ndarray], k: int) -> dict[int, float]:
    """Per segment: mean best Jaccard overlap with the segments of the refits (1 = always found again)."""
    scores = np.zeros(k)
    for other in refits:
        other_sizes = np.bincount(other, minlength=k)
        for segment in range(k):
            mine = labels == segment
            if mine.any():
                overlap = np.bincount(other[mine], minlength=k)
                scores[segment] += float((overlap / (mine.sum() + other_sizes - overlap)).max())
    return {segment: float(scores[segment] / len(refits)) for segment in range(k)}


def column_weights(space: FeatureSpace, balanced: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Share of each column's variance explained by the segments, relative to the best-explained column."""
    r2 = space.block_r2(balanced, labels)
    return r2 / max(float(r2.max()), 1e-12)


def _subset(data: MixtureData, rows: np.ndarray) -> MixtureData:
    return MixtureData(
        design=data.design[rows], n_numbers=data.n_numbers, level_blocks=data.level_blocks, n_labels=data.n_labels
    )


def _dense_labels(labels: np.ndarray, k: int) -> np.ndarray:
    """A start partition with every segment present (an empty one takes a row from the largest)."""
    labels = labels.copy()
    for segment in range(k):
        if not (labels == segment).any():
            largest = int(np.bincount(labels, minlength=k).argmax())
            labels[np.flatnonzero(labels == largest)[0]] = segment
    return labels


def _size_rank(labels: np.ndarray, means: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The new id of each group: 0..g-1 by size, largest first (ties by parameters, never by row order)."""
    g = int(groups.max()) + 1
    sizes = np.bincount(labels, minlength=g)
    totals = means.sum(axis=1) if means.size else np.zeros(len(groups))
    tie = np.array([totals[groups == group].sum() for group in range(g)])
    order = np.lexsort((tie, -sizes))
    rank = np.empty(g, dtype=np.int32)
    rank[order] = np.arange(g, dtype=np.int32)
    return rank


def k_reason(
    fits: dict[int, Mixture],
    stability: dict[int, float],
    chosen: int,
    *,
    bar: float,
    forced: bool,
    merged: int | None = None,
    stopped: bool = False,
    alternative: int | None = None,
    found_again: float | None = None,
) -> str:
    """One sentence: why this k, naming the better-fitting candidates that were passed over and why, and where
    the scan of k stopped when it did not reach the largest candidate (`stopped`). The near-tie `alternative`,
    which the report offers as fitting about equally well, is never called worse. A forced k says how its split
    compares with the bar a chosen k must pass and, apart from it, the segments' own stability (`found_again`, the
    report's figure), so that the two figures are never read as one."""
    n = fits[chosen].n_rows
    score = -fits[chosen].icl / n
    if forced:
        return _forced_reason(chosen, score, stability[chosen], found_again)
    if merged is not None and merged < chosen:
        reason = (
            f"k={merged}: the best fit of the candidates that refits on subsamples reproduce has {chosen} components "
            f"(fit score {score:.2f}, stability {stability[chosen]:.2f}, needed {bar:.2f}), and checked with full "
            f"covariances they make {merged} segment{'s' if merged > 1 else ''}: components that tile one "
            "group (blending into each other) rather than separate two were merged"
        )
        return reason + _scan_stop(fits, stopped) + "."
    if chosen == 1:
        reason = f"k=1: one segment for everyone (fit score {score:.2f}); no split both fits better and holds up"
    else:
        reason = (
            f"k={chosen}: best fit score ({score:.2f}) of the candidates that refits on subsamples reproduce "
            f"(stability {stability[chosen]:.2f}, needed {bar:.2f})"
        )
    better = [other for other in fits if fits[other].icl < fits[chosen].icl]
    if better:
        best = min(better, key=lambda other: fits[other].icl)
        why = (
            f"a segment under {MIN_SEGMENT_SHARE:.0%}"
            if fits[best].smallest_share < MIN_SEGMENT_SHARE
            else f"stability {stability[best]:.2f}"
        )
        reason += f"; k={best} fits better ({-fits[best].icl / n:.2f}) but is not reliable ({why})"
    elif chosen + 1 in fits:
        how = "about as well" if alternative == chosen + 1 else "worse"
        reason += f"; k={chosen + 1} fits {how} ({-fits[chosen + 1].icl / n:.2f})"
    return reason + _scan_stop(fits, stopped) + "."


def _forced_reason(k: int, score: float, agreement: float, found_again: float | None) -> str:
    """k=10 was asked for: its split against the bar a chosen k passes, and the segments' stability apart."""
    against = "under" if agreement < STABLE else "above"
    reason = (
        f"k={k} was asked for (fit score {score:.2f}); refits on subsamples reproduce its split at "
        f"{agreement:.2f} (adjusted Rand), {against} the {STABLE:.2f} a chosen k needs"
    )
    if found_again is not None and k > 1:
        reason += f"; its segments are found again at {found_again:.2f} on average (the report's stability)"
    return reason + "."


def _scan_stop(fits: dict[int, Mixture], stopped: bool) -> str:
    """Where the scan of k stopped, when it did not reach the largest candidate: the fit got no better at the
    last WORSE_IN_A_ROW candidates (each scored below the one before)."""
    if not stopped:
        return ""
    last = sorted(fits)[-WORSE_IN_A_ROW:]
    return f"; larger k were not tried, the fit getting no better at k={', '.join(map(str, last[:-1]))} and {last[-1]}"
