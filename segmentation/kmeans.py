"""k-means for EM's starting partitions: scikit-learn's `KMeans` (k-means++ seeding, then Lloyd), in numpy.

The engine only needs k-means labels to start EM from, but importing scikit-learn to get them costs about
2 CPU seconds (it loads scipy.stats, joblib and psutil), most of `segbot segment` on a small file. This module
does the same arithmetic as scikit-learn 1.9's `KMeans(n_clusters=k, n_init=n, random_state=seed,
max_iter=m).fit(points).labels_` on float32 points with one thread (the engine's case), operation for
operation, so the labels, and everything the engine builds from them, are the same:
- the points are centred on their mean, the tolerance is 1e-4 times the mean per-column variance of the
  uncentred points;
- k-means++ draws from `np.random.RandomState(seed)` exactly as scikit-learn does: the first centre by
  `choice`, then 2 + int(log k) candidates per centre, distances computed in float64 on row batches sized
  as scikit-learn sizes them;
- Lloyd's assignment takes ||c||^2 - 2 x.c in float32 (the same BLAS product), the first nearest centre on
  ties; centres are float32 sums in row order times the float32 reciprocal of the count; an empty cluster
  takes the farthest point; the stop tests are "labels unchanged" or "squared centre shift <= tolerance",
  with the shift summed four features at a time as scikit-learn's compiled loop sums it;
- with several inits, a later one wins only with a lower inertia (float32, summed in row order) and a
  different partition.
tests/segmentation/test_kmeans.py compares the labels with scikit-learn's on many seeds, sizes and k.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg.blas import sgemm

TOLERANCE = 1e-4
CHUNK_ROWS = 256  # scikit-learn's rows per block in Lloyd's assignment

# Points in float64 by batch size: (first row, batch, its squared norms), kept for every k-means++ draw.
Batches = dict[int, list[tuple[int, np.ndarray, np.ndarray]]]


def kmeans_labels(points: np.ndarray, k: int, *, n_init: int, seed: int, max_iter: int = 300) -> np.ndarray:
    """The k-means labels of `points` (n x d float32), as scikit-learn's KMeans with these settings gives."""
    if points.dtype != np.float32:
        raise TypeError(f"k-means here reproduces scikit-learn on float32 points, not {points.dtype}")
    data = np.array(points, order="C", copy=True)
    if data.shape[0] < k:
        raise ValueError(f"n_samples={data.shape[0]} should be >= n_clusters={k}.")
    tolerance = np.mean(np.var(data, axis=0)) * TOLERANCE
    random = np.random.RandomState(seed)
    weights = np.ones(data.shape[0], dtype=data.dtype)
    data -= data.mean(axis=0)
    norms = np.einsum("ij,ij->i", data, data)
    best_labels: np.ndarray | None = None
    best_inertia = math.inf
    batches: Batches = {}
    for _ in range(n_init):
        centers = _plusplus(data, k, norms=norms, weights=weights, random=random, batches=batches)
        labels, inertia = _lloyd(data, centers, max_iter, tolerance)
        if best_labels is None or (inertia < best_inertia and not _same_partition(labels, best_labels, k)):
            best_labels, best_inertia = labels, inertia
    assert best_labels is not None
    return best_labels


def _plusplus(
    data: np.ndarray,
    k: int,
    *,
    norms: np.ndarray,
    weights: np.ndarray,
    random: np.random.RandomState,
    batches: Batches,
) -> np.ndarray:
    """k-means++ seeding: each next centre is the best of a few candidates drawn by squared distance.

    `batches` keeps the float64 batches of points and their norms between calls (the same values each time).
    """
    n = data.shape[0]
    centers = np.empty((k, data.shape[1]), dtype=data.dtype)
    trials = 2 + int(np.log(k))
    first = random.choice(n, p=weights / weights.sum())
    centers[0] = data[first]
    closest = _squared_distances(centers[0, np.newaxis], data, batches)
    potential = closest @ weights
    for c in range(1, k):
        draws = random.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), draws)
        np.clip(candidates, None, closest.size - 1, out=candidates)
        distances = _squared_distances(data[candidates], data, batches)
        np.minimum(closest, distances, out=distances)
        potentials = distances @ weights.reshape(-1, 1)
        best = np.argmin(potentials)
        potential = potentials[best]
        closest = distances[best]
        centers[c] = data[candidates[best]]
    return centers


def _squared_distances(rows: np.ndarray, data: np.ndarray, batches: Batches) -> np.ndarray:
    """Squared distances (float32) of `rows` to every point, computed in float64 on batches of points."""
    n_rows, n, width = rows.shape[0], data.shape[0], data.shape[1]
    memory = max(((n_rows + n) * width + n_rows * n) / 10, 10 * 2**17)
    batch = max(int((-2 * width + math.sqrt((2 * width) ** 2 + 4 * memory)) / 2), 1)
    if batch not in batches:
        chunks = [data[start : start + batch, :].astype(np.float64) for start in range(0, n, batch)]
        batches[batch] = [
            (start, chunk, np.einsum("ij,ij->i", chunk, chunk)[None, :])
            for start, chunk in zip(range(0, n, batch), chunks, strict=True)
        ]
    out = np.empty((n_rows, n), dtype=np.float32)
    for x_start in range(0, n_rows, batch):
        x_chunk = rows[x_start : x_start + batch, :].astype(np.float64)
        x_norms = np.einsum("ij,ij->i", x_chunk, x_chunk)[:, None]
        for y_start, y_chunk, y_norms in batches[batch]:
            block = -2 * (x_chunk @ y_chunk.T)
            block += x_norms
            block += y_norms
            out[x_start : x_start + batch, y_start : y_start + batch] = block.astype(np.float32, copy=False)
    return np.maximum(out, 0, out=out)


def _lloyd(data: np.ndarray, centers: np.ndarray, max_iter: int, tolerance: float) -> tuple[np.ndarray, float]:
    """Lloyd's iterations from `centers`: the labels and their inertia."""
    labels_old = np.full(data.shape[0], -1, dtype=np.int32)
    labels = labels_old
    converged = False
    for _ in range(max_iter):
        labels = _nearest(data, centers)
        new = _averages(data, centers, labels)
        shift = _row_distances(new, centers)
        centers = new
        if np.array_equal(labels, labels_old):
            converged = True
            break
        if (shift**2).sum() <= tolerance:
            break
        labels_old = labels
    if not converged:
        labels = _nearest(data, centers)
    return labels, _inertia(data, centers, labels)


def _nearest(data: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The nearest centre of every point: argmin of ||c||^2 - 2 x.c, block by block of CHUNK_ROWS points.

    Each block is one call of the BLAS scikit-learn calls (scipy's), with the same arguments: the norms are
    in the output beforehand and the product is added to them (beta = 1). numpy's own BLAS, or adding the
    norms afterwards, rounds some sums differently once a row is wider than the BLAS's block of features.
    """
    center_norms = np.einsum("ij,ij->i", centers, centers)
    distances = np.empty((data.shape[0], centers.shape[0]), dtype=np.float32)
    distances[:] = center_norms
    for start in range(0, data.shape[0], CHUNK_ROWS):
        block = distances[start : start + CHUNK_ROWS]
        sgemm(-2.0, centers.T, data[start : start + CHUNK_ROWS].T, beta=1.0, c=block.T, trans_a=1, overwrite_c=1)
    return np.asarray(np.argmin(distances, axis=1).astype(np.int32))


def _averages(data: np.ndarray, centers: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """New centres: sums in row order, an empty cluster moved to the farthest point, then divided by counts."""
    k = centers.shape[0]
    sums = np.zeros_like(centers)
    for cluster in range(k):
        members = data[labels == cluster]
        if len(members):
            sums[cluster] = _sum_in_order(members)
    counts = np.bincount(labels, minlength=k).astype(data.dtype)
    _relocate_empty(data, centers, sums, counts, labels)
    largest = int(np.argmax(counts))
    for cluster in range(k):
        if counts[cluster] > 0:
            sums[cluster] *= data.dtype.type(1.0 / float(counts[cluster]))
        else:
            sums[cluster] = sums[largest]
    return sums


def _sum_in_order(rows: np.ndarray) -> np.ndarray:
    """Column sums added row after row (not numpy's pairwise summation, which a single column would get)."""
    if rows.shape[1] == 1:
        return np.asarray(np.cumsum(rows, axis=0)[-1])
    # Reducing axis 0 of a C-contiguous matrix with two or more columns adds whole rows in order.
    return np.asarray(rows.sum(axis=0))


def _relocate_empty(
    data: np.ndarray, centers: np.ndarray, sums: np.ndarray, counts: np.ndarray, labels: np.ndarray
) -> None:
    """A cluster with no point takes the point farthest from its centre (unless every point sits on one)."""
    empty = np.where(np.equal(counts, 0))[0]
    if len(empty) == 0:
        return
    distances = ((data - centers[labels]) ** 2).sum(axis=1)
    farthest = np.argpartition(distances, -len(empty))[: -len(empty) - 1 : -1]
    if np.max(distances) == 0:
        return
    for cluster, point in zip(empty, farthest, strict=True):
        owner = labels[point]
        sums[owner] -= data[point]
        sums[cluster] = data[point]
        counts[cluster] = 1
        counts[owner] -= 1


def _row_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between the rows of `a` and `b`, summed as scikit-learn's unrolled loop sums it."""
    return np.asarray(np.sqrt(_unrolled_sum((a - b) * (a - b))))


def _unrolled_sum(squares: np.ndarray) -> np.ndarray:
    """Row sums added four columns at a time, ((s0 + s1) + s2) + s3, then the remainder one by one."""
    rows, width = squares.shape
    whole = width - width % 4
    quads = squares[:, :whole].reshape(rows, whole // 4, 4)
    groups = ((quads[:, :, 0] + quads[:, :, 1]) + quads[:, :, 2]) + quads[:, :, 3]
    # A cumulative sum adds in order, from 0 + the first group (exact), as the compiled loop does.
    total = np.cumsum(groups, axis=1)[:, -1] if whole else np.zeros(rows, dtype=squares.dtype)
    for column in range(whole, width):
        total = total + squares[:, column]
    return np.asarray(total)


def _inertia(data: np.ndarray, centers: np.ndarray, labels: np.ndarray) -> float:
    """Sum of squared distances to the assigned centres, in float32 and row order."""
    differences = data - centers[labels]
    per_row = _unrolled_sum(differences * differences)
    return float(np.cumsum(per_row)[-1]) if len(per_row) else 0.0


def _same_partition(labels: np.ndarray, other: np.ndarray, k: int) -> bool:
    """Whether two labelings are the same partition up to renaming the clusters."""
    mapping = np.full(k, -1, dtype=np.int64)
    for mine, theirs in zip(labels.tolist(), other.tolist(), strict=True):
        if mapping[mine] == -1:
            mapping[mine] = theirs
        elif mapping[mine] != theirs:
            return False
    return True
