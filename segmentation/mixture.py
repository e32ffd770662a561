"""A mixed-type latent class model: the segments Segbot reports are its components.

Within a segment, columns are taken as independent: numbers (as transformed and standardized in
`features.py`) are Gaussian with their own mean and variance per segment, categories and booleans are
multinomial, and every kept label of a multi-label column is a yes/no coin of its own. This is the classic
latent class model of marketing segmentation, and it suits audience tables better than k-means:
- a column whose distribution is the same in every segment (pure noise) adds the same log-likelihood to every
  segment, so it cannot move a row: noise is ignored by construction, not by a tuned weight;
- a boolean or a category inside one segment is a distribution, not a lump to split (k-means splits a 50/50
  opt-in segment into two "clusters");
- a missing cell simply leaves its term out, so every row is used and nothing is imputed;
- the fit has a likelihood, so the number of segments can be chosen by an information criterion.
Fitted by EM from a k-means start; every step is a few (rows x features) @ (features x k) products.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from segmentation.features import FeatureSpace

VARIANCE_FLOOR = 0.03
LEVEL_PRIOR = 0.5
LABEL_PRIOR = 0.5
LOG_2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class DesignColumns:
    """The column groups of a design matrix, in order (see `MixtureData`)."""

    numbers: slice
    squares: slice
    present: slice
    levels: slice
    labels: slice
    label_known: slice


@dataclass(frozen=True)
class MixtureData:
    """Rows of a feature space as one float32 design matrix, so each EM step is two matrix products.

    Column groups, in order: numbers (0 where missing), their squares, their presence (1 where known), the
    one-hot levels of every category (all-zero where missing), labels (1 where the row has the label) and
    label presence (1 where the row's multi-label cell was known).
    """

    design: np.ndarray  # rows x (3 * n_numbers + n_levels + 2 * n_labels), float32
    n_numbers: int
    level_blocks: np.ndarray  # which category each level column belongs to
    n_labels: int

    # The layout below is read by every EM step: computed once per design matrix.
    @cached_property
    def columns(self) -> DesignColumns:
        """Where each column group sits in `design` (and in the k x width sufficient statistics)."""
        p, v = self.n_numbers, self.n_labels
        edges = np.cumsum([0, p, p, p, self.n_levels, v, v]).tolist()
        return DesignColumns(*(slice(start, stop) for start, stop in itertools.pairwise(edges)))

    @cached_property
    def n_free_levels(self) -> int:
        """Free probabilities per segment over all categories: each category's levels sum to 1."""
        return self.n_levels - len(np.unique(self.level_blocks))

    @cached_property
    def block_sums(self) -> np.ndarray:
        """levels x levels: 1 where two level columns belong to the same category (sums levels per category)."""
        return np.asarray(self.level_blocks[:, None] == self.level_blocks[None, :], dtype=np.float32)

    @property
    def n_rows(self) -> int:
        return int(self.design.shape[0])

    @property
    def n_levels(self) -> int:
        return len(self.level_blocks)


def encode(space: FeatureSpace, rows: np.ndarray, *, point_masses: bool = True) -> MixtureData:
    """The design matrix of `rows`; `point_masses=False` keeps numbers with point masses as plain numbers."""
    numeric, present, levels, level_blocks, labels, known = [], [], [], [], [], []
    for position, block in enumerate(space.blocks):
        if block.values is not None and block.present is not None and block.masses is not None and point_masses:
            codes = block.masses[rows]
            width = block.n_masses + 1
            levels.append(np.eye(width + 1, width, dtype=np.float32)[np.where(codes < 0, width, codes)])
            level_blocks.append(np.full(width, position))
            if block.interior:
                interior = codes == block.n_masses
                numeric.append(np.where(interior, block.values[rows], 0.0))
                present.append(interior)
        elif block.values is not None and block.present is not None:
            numeric.append(block.values[rows])
            present.append(block.present[rows])
        elif block.codes is not None:
            levels.append(np.eye(block.width + 1, block.width, dtype=np.float32)[block.codes[rows]])
            level_blocks.append(np.full(block.width, position))
        elif block.labels is not None and block.known is not None:
            labels.append(block.labels[rows].toarray().astype(np.float32))
            known.append(np.repeat(block.known[rows, None], block.width, axis=1).astype(np.float32))
    numbers = _stack(numeric, len(rows))
    parts = [numbers, numbers**2, _stack(present, len(rows)), *levels, *labels, *known]
    return MixtureData(
        design=np.ascontiguousarray(np.hstack(parts), dtype=np.float32),
        n_numbers=numbers.shape[1],
        level_blocks=np.concatenate(level_blocks) if level_blocks else np.zeros(0, int),
        n_labels=sum(part.shape[1] for part in labels),
    )


def _stack(columns: list[np.ndarray], n: int) -> np.ndarray:
    return np.column_stack(columns).astype(np.float32) if columns else np.zeros((n, 0), np.float32)


@dataclass(frozen=True)
class Mixture:
    """A fitted model: per-segment parameters, the fit's log-likelihood and its number of free parameters."""

    log_weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray
    log_levels: np.ndarray
    log_labels: np.ndarray
    log_no_labels: np.ndarray
    log_likelihood: float
    entropy: float
    n_params: int
    n_rows: int

    @property
    def k(self) -> int:
        return len(self.log_weights)

    @property
    def smallest_share(self) -> float:
        return float(np.exp(self.log_weights).min())

    def reordered(self, order: np.ndarray) -> Mixture:
        """The same model with segment `order[i]` renumbered i."""
        return Mixture(
            log_weights=self.log_weights[order],
            means=self.means[order],
            variances=self.variances[order],
            log_levels=self.log_levels[order],
            log_labels=self.log_labels[order],
            log_no_labels=self.log_no_labels[order],
            log_likelihood=self.log_likelihood,
            entropy=self.entropy,
            n_params=self.n_params,
            n_rows=self.n_rows,
        )

    @property
    def bic(self) -> float:
        return -2.0 * self.log_likelihood + self.n_params * float(np.log(self.n_rows))

    @property
    def icl(self) -> float:
        """BIC plus twice the entropy of the assignments: it also penalises segments that overlap."""
        return self.bic + 2.0 * self.entropy

    def log_joint(self, data: MixtureData) -> np.ndarray:
        """log p(row, segment) for every row and segment (rows x k)."""
        inverse = 1.0 / self.variances
        groups = data.columns
        # A known number x adds -(x - mean)^2 / 2var - log(2 pi var) / 2 = x mean/var - x^2/2var + constant.
        coefficients = np.empty((self.k, data.design.shape[1]), dtype=np.float32)
        coefficients[:, groups.numbers] = self.means * inverse
        coefficients[:, groups.squares] = -0.5 * inverse
        coefficients[:, groups.present] = -0.5 * (np.log(self.variances) + LOG_2PI + self.means**2 * inverse)
        coefficients[:, groups.levels] = self.log_levels
        coefficients[:, groups.labels] = self.log_labels - self.log_no_labels
        coefficients[:, groups.label_known] = self.log_no_labels
        joint = data.design @ coefficients.T
        joint += self.log_weights
        return np.asarray(joint)

    def predict(self, data: MixtureData) -> np.ndarray:
        return np.asarray(self.log_joint(data).argmax(axis=1), dtype=np.int32)


def fit_mixture(data: MixtureData, start: np.ndarray, k: int, *, max_iter: int = 200, tol: float = 1e-5) -> Mixture:
    """EM from a starting partition `start` (labels 0..k-1) until the mean log-likelihood stops improving."""
    model = m_step(data, np.eye(k, dtype=np.float32)[start])
    previous = -np.inf
    for _ in range(max_iter):
        posterior, log_likelihood = em_posterior(model, data)
        model = m_step(data, posterior)
        if log_likelihood - previous < tol * abs(log_likelihood):
            break
        previous = log_likelihood
    _, log_likelihood, entropy = e_step(model, data)
    return _with_fit(model, log_likelihood, entropy)


def e_step(model: Mixture, data: MixtureData) -> tuple[np.ndarray, float, float]:
    """Posterior segment probabilities (rows x k, float32), the log-likelihood and the assignment entropy."""
    posterior, log_likelihood, log_posterior = _posterior(model, data)
    entropy = float(-(np.exp(log_posterior) * np.maximum(log_posterior, -700.0)).sum())
    return posterior, log_likelihood, entropy


def em_posterior(model: Mixture, data: MixtureData) -> tuple[np.ndarray, float]:
    """Posterior probabilities (float32) and the log-likelihood: the E-step inside EM's loop.

    The same numbers as `e_step` up to the last bit of a float64 (each row's exponentials are divided by their
    sum rather than exponentiated again after subtracting its log): one exponential per cell instead of two,
    and no log posterior, which only the entropy of a finished fit needs.
    """
    joint = model.log_joint(data).astype(np.float64)
    top = row_max(joint)
    scratch = np.exp(np.subtract(joint, top[:, None], out=joint), out=joint)
    sums = row_sum(scratch)
    scratch *= (1.0 / sums)[:, None]
    return scratch.astype(np.float32), float((top + np.log(sums)).sum())


def _posterior(model: Mixture, data: MixtureData) -> tuple[np.ndarray, float, np.ndarray]:
    """Posterior probabilities (float32), the log-likelihood and the log posterior (float64): EM's E-step."""
    joint = model.log_joint(data).astype(np.float64)
    top = row_max(joint)
    # The same operations as exp(joint - top), then joint - norm and its exp, in two reused rows x k buffers.
    scratch = np.subtract(joint, top[:, None])
    norm = top + np.log(row_sum(np.exp(scratch, out=scratch)))
    log_posterior = np.subtract(joint, norm[:, None], out=joint)
    return np.exp(log_posterior, out=scratch).astype(np.float32), float(norm.sum()), log_posterior


# An EM step's matrices are rows x k with k <= 12: numpy's reductions along such a short last axis cost several
# times more than k column operations. These give the same numbers as `values.max(axis=1)` and
# `values.sum(axis=1)`: a maximum does not depend on the order, and the sum adds in numpy's own order (pairwise:
# eight partial sums for k >= 8, else left to right).
def row_max(values: np.ndarray) -> np.ndarray:
    """`values.max(axis=1)` of a rows x k float array."""
    top = values[:, 0].copy()
    for column in range(1, values.shape[1]):
        np.maximum(top, values[:, column], out=top)
    return top


def row_sum(values: np.ndarray) -> np.ndarray:
    """`values.sum(axis=1)` of a C-contiguous rows x k float64 array, in the same order of additions."""
    k = values.shape[1]
    if k >= 16:
        return np.asarray(values.sum(axis=1))
    if k < 8:
        total = values[:, 0].copy()
        first = 1
    else:
        part = [values[:, column] for column in range(8)]
        total = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]))
        first = 8
    for column in range(first, k):
        total += values[:, column]
    return total


def m_step(data: MixtureData, responsibilities: np.ndarray) -> Mixture:
    """Parameters from responsibilities (rows x k): weighted moments and counts, one matrix product.

    Numbers: weighted mean and variance over the rows where the number is known (variance floored);
    levels: weighted counts plus LEVEL_PRIOR per level; labels: (count + LABEL_PRIOR) / (known + 2 LABEL_PRIOR).
    """
    k = responsibilities.shape[1]
    totals = np.ascontiguousarray(responsibilities.T) @ data.design  # k x width sufficient statistics
    groups = data.columns
    sums, squares, weight = totals[:, groups.numbers], totals[:, groups.squares], totals[:, groups.present] + 1e-6
    level_counts = totals[:, groups.levels] + LEVEL_PRIOR
    label_counts = totals[:, groups.labels]
    label_known = totals[:, groups.label_known]
    means = sums / weight
    variances = np.maximum(squares / weight - means**2, VARIANCE_FLOOR)
    block_totals = level_counts @ data.block_sums
    label_rate = (label_counts + LABEL_PRIOR) / (label_known + 2 * LABEL_PRIOR)
    sizes = responsibilities.sum(axis=0) + 1e-6
    return Mixture(
        log_weights=np.log(sizes / sizes.sum()).astype(np.float32),
        means=means.astype(np.float32),
        variances=variances.astype(np.float32),
        log_levels=np.log(level_counts / block_totals).astype(np.float32),
        log_labels=np.log(label_rate).astype(np.float32),
        log_no_labels=np.log1p(-label_rate).astype(np.float32),
        log_likelihood=0.0,
        entropy=0.0,
        n_params=n_parameters(data, k),
        n_rows=data.n_rows,
    )


def n_parameters(data: MixtureData, k: int) -> int:
    """Free parameters of a k-segment model: k - 1 weights, then per segment a mean and a variance per
    number, the free level probabilities of every category and a rate per label."""
    return (k - 1) + k * (2 * data.n_numbers + data.n_free_levels + data.n_labels)


def _with_fit(model: Mixture, log_likelihood: float, entropy: float) -> Mixture:
    return Mixture(
        log_weights=model.log_weights,
        means=model.means,
        variances=model.variances,
        log_levels=model.log_levels,
        log_labels=model.log_labels,
        log_no_labels=model.log_no_labels,
        log_likelihood=log_likelihood,
        entropy=entropy,
        n_params=model.n_params,
        n_rows=model.n_rows,
    )
