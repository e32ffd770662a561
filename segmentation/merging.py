"""Merging mixture components that are one segment: the cure for splits a diagonal model makes.

The latent class model of `mixture.py` takes a segment's numbers as independent. When they are not (income,
spend and basket size rising together inside one segment), the best diagonal fit tiles the one elongated
segment with several components, and an information criterion counts each tile as a segment. Here every pair
of components is checked again with full covariances: the pair's rows (weighted by their posterior) are
scored once as ONE component and once as TWO, numbers as Gaussians with a full covariance matrix (a row's
missing numbers are marginalised out; with more than MAX_FULL numbers, only the MAX_FULL that separate the
pair most share the covariance, so the check does not drown in parameters), levels and labels as in the
mixture. When one component has the better
BIC, the pair is one segment and the components are merged; the best merge is made first and the check is
repeated until no pair merges. Segments that differ in anything a full covariance cannot explain (a shifted
mean, other categories) keep their own component.
"""

from __future__ import annotations

import numpy as np

from segmentation.mixture import LABEL_PRIOR, LEVEL_PRIOR, LOG_2PI, VARIANCE_FLOOR, Mixture, MixtureData, e_step

MIN_WEIGHT = 1e-3  # rows with less posterior weight than this on a pair are left out of the pair's check
MAX_FULL = 6  # numbers checked with a full covariance (the ones that separate the pair most)


def merge_groups(model: Mixture, data: MixtureData, plain: MixtureData) -> np.ndarray:
    """The segment (0..g-1) each component of `model` belongs to after merging; identity when none merge.

    `data` is what `model` was fitted on; `plain` the same rows with counts and other numbers with point
    masses kept as numbers, so that their covariance with the other numbers is part of the check.
    """
    posterior, _, _ = e_step(model, data)
    data = plain
    groups: list[list[int]] = [[component] for component in range(model.k)]
    weights = [posterior[:, component].astype(np.float64) for component in range(model.k)]
    cache: dict[tuple[int, ...], float] = {}
    while len(groups) > 1:
        best, best_gain = None, 0.0
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                key = (*sorted(groups[a]), -1, *sorted(groups[b]))
                if key not in cache:
                    cache[key] = _merge_gain(data, weights[a], weights[b])
                gain = cache[key]
                if gain > best_gain:
                    best, best_gain = (a, b), gain
        if best is None:
            break
        a, b = best
        groups[a] = groups[a] + groups[b]
        weights[a] = weights[a] + weights[b]
        del groups[b], weights[b]
    mapping = np.empty(model.k, dtype=np.int32)
    for group, members in enumerate(groups):
        mapping[members] = group
    return mapping


def _merge_gain(data: MixtureData, first: np.ndarray, second: np.ndarray) -> float:
    """BIC(two components) - BIC(one component) on the pair's rows: positive when one fits better."""
    both = first + second
    rows = np.flatnonzero(both > MIN_WEIGHT)
    weight = both[rows]
    n = float(weight.sum())
    design = data.design[rows].astype(np.float64)
    full = _full_dims(data, design, first[rows], second[rows])
    log_one, params_one = _component(data, design, weight, full)
    log_a, params_a = _component(data, design, first[rows], full)
    log_b, _ = _component(data, design, second[rows], full)
    share = float(first[rows].sum()) / n
    log_two = np.logaddexp(np.log(max(share, 1e-12)) + log_a, np.log(max(1 - share, 1e-12)) + log_b)
    split = -2.0 * float(weight @ log_two) + (2 * params_a + 1) * np.log(n)
    merged = -2.0 * float(weight @ log_one) + params_one * np.log(n)
    return float(split - merged)


def _full_dims(data: MixtureData, design: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The numbers checked with a full covariance: all of them, or the MAX_FULL that separate the pair most.

    A full covariance over many numbers costs so many parameters that BIC would merge any pair; the numbers
    that tell the two components apart are the ones whose joint shape decides whether they are one segment.
    """
    p = data.n_numbers
    if p <= MAX_FULL:
        return np.arange(p)
    groups = data.columns
    values, present = design[:, groups.numbers], design[:, groups.present]
    gaps = np.zeros(p)
    for j in range(p):
        known = present[:, j] > 0
        wa, wb = first[known], second[known]
        if wa.sum() <= 0 or wb.sum() <= 0:
            continue
        x = values[known, j]
        ma, mb = np.average(x, weights=wa), np.average(x, weights=wb)
        pooled = np.average((x - np.where(wa >= wb, ma, mb)) ** 2, weights=wa + wb)
        gaps[j] = abs(ma - mb) / np.sqrt(max(pooled, VARIANCE_FLOOR))
    return np.sort(np.argsort(-gaps, kind="stable")[:MAX_FULL])


def _component(data: MixtureData, design: np.ndarray, weight: np.ndarray, full: np.ndarray) -> tuple[np.ndarray, int]:
    """Log-density of every row under one component fitted with `weight`, and its number of parameters.

    The numbers in `full` share a full covariance; any others are independent Gaussians."""
    groups = data.columns
    values, present = design[:, groups.numbers], design[:, groups.present] > 0
    log_density = _full_gaussian(values[:, full], present[:, full], weight)
    m = len(full)
    params = m + m * (m + 1) // 2
    others = np.setdiff1d(np.arange(data.n_numbers), full)
    if len(others):
        log_density = log_density + _diagonal_gaussian(values[:, others], present[:, others], weight)
        params += 2 * len(others)
    if data.n_levels:
        counts = weight @ design[:, groups.levels] + LEVEL_PRIOR
        totals = counts @ data.block_sums
        log_density = log_density + design[:, groups.levels] @ np.log(counts / totals)
        params += data.n_free_levels
    if data.n_labels:
        labels, known = design[:, groups.labels], design[:, groups.label_known]
        rate = (weight @ labels + LABEL_PRIOR) / (weight @ known + 2 * LABEL_PRIOR)
        log_density = log_density + labels @ np.log(rate) + (known - labels) @ np.log1p(-rate)
        params += data.n_labels
    return log_density, params


def _full_gaussian(values: np.ndarray, present: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per row: log N(known numbers; weighted mean, weighted pairwise covariance), missing ones marginalised."""
    out = np.zeros(len(values))
    if values.shape[1] == 0:
        return out
    mask = present.astype(np.float64)
    weighted = mask * weight[:, None]
    mean = (weighted * values).sum(axis=0) / np.maximum(weighted.sum(axis=0), 1e-9)
    centred = (values - mean) * mask
    pair_weight = np.maximum(weighted.T @ mask, 1e-9)
    covariance = (centred * weight[:, None]).T @ centred / pair_weight
    covariance = _positive_definite(covariance)
    patterns, which = np.unique(present, axis=0, return_inverse=True)
    for index, pattern in enumerate(patterns):
        dims = np.flatnonzero(pattern)
        if not len(dims):
            continue
        rows = np.flatnonzero(which.ravel() == index)
        sub = covariance[np.ix_(dims, dims)]
        _, log_det = np.linalg.slogdet(sub)
        solved = np.linalg.solve(sub, centred[np.ix_(rows, dims)].T).T
        quadratic = (solved * centred[np.ix_(rows, dims)]).sum(axis=1)
        out[rows] = -0.5 * (quadratic + log_det + len(dims) * LOG_2PI)
    return out


def _diagonal_gaussian(values: np.ndarray, present: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per row: the sum of independent Gaussian log-densities of its known numbers (weighted fits)."""
    mask = present.astype(np.float64)
    weighted = mask * weight[:, None]
    total = np.maximum(weighted.sum(axis=0), 1e-9)
    mean = (weighted * values).sum(axis=0) / total
    variance = np.maximum((weighted * (values - mean) ** 2).sum(axis=0) / total, VARIANCE_FLOOR)
    terms = -0.5 * ((values - mean) ** 2 / variance + np.log(variance) + LOG_2PI)
    return np.asarray((terms * mask).sum(axis=1))


def _positive_definite(covariance: np.ndarray) -> np.ndarray:
    """The covariance with every eigenvalue at least the variance floor the diagonal model uses."""
    values, vectors = np.linalg.eigh((covariance + covariance.T) / 2)
    return np.asarray((vectors * np.maximum(values, VARIANCE_FLOOR)) @ vectors.T)
