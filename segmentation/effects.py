"""How far each segment is from the whole audience on every analysed column, computed for all segments at once.

Every candidate carries a `strength` on one scale for all column kinds: the standardized difference of means.
For a numeric column it is (segment mean - overall mean) / overall standard deviation; for a category, a
boolean or a label it is the same formula applied to the 0/1 indicator of the value,
(segment share - overall share) / sqrt(share * (1 - share)). Ranking by |strength| therefore compares a shift
in income with an over-represented country fairly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from segmentation.countries import country_code, country_name
from segmentation.features import scaled_down
from segmentation.genders import gender_group
from segmentation.prepared import PreparedColumn
from segmentation.result import FeatureEffect

# Fewer known values than this in a segment say nothing about it.
MIN_SUPPORT = 3
# Weaker differences than this are not worth showing (a tenth of a standard deviation).
MIN_STRENGTH = 0.1
# The values of one categorical or multi-label column kept per segment, strongest first.
VALUES_PER_SEGMENT = 3


@dataclass(frozen=True)
class Candidate:
    """One possible distinguishing feature of one segment. Numeric medians are filled in once chosen."""

    segment: int
    strength: float
    effect: FeatureEffect


def strength(effect: FeatureEffect) -> float:
    """The standardized difference behind a feature effect (see the module docstring), as a magnitude."""
    if effect.kind == "numeric":
        return abs(effect.effect)
    overall = effect.overall_value
    if not 0 < overall < 1:
        return 0.0
    return abs(effect.segment_value - overall) / float(np.sqrt(overall * (1 - overall)))


def candidates_for(column: PreparedColumn, labels: np.ndarray, k: int) -> list[Candidate]:
    """Every segment's candidates on one column (numbers, categories, booleans or labels)."""
    if column.labels is not None:
        return _label_candidates(column, labels, k)
    if column.role == "boolean" and column.numbers is not None:
        codes = np.where(np.isnan(column.numbers), -1, column.numbers != 0).astype(np.int64)
        return _category_candidates(column.name, codes, ("no", "yes"), labels, k)
    if column.numbers is not None:
        return _numeric_candidates(column, labels, k)
    if column.categories is not None:
        codes, names = category_groups(column)
        return _category_candidates(column.name, codes, names, labels, k)
    return []


def interest_candidates(column: PreparedColumn, interest: str, labels: np.ndarray, k: int) -> list[Candidate]:
    """A keyword-count or 0/1 interest column described as a label: the share of rows mentioning it."""
    assert column.numbers is not None
    known = ~np.isnan(column.numbers)
    mentions = sparse.csr_matrix((np.nan_to_num(column.numbers) > 0).reshape(-1, 1).astype(np.float64))
    flag = replace(column, numbers=None, labels=mentions, vocabulary=(interest,), labels_known=known)
    return _label_candidates(flag, labels, k, label_prefix="interest")


def category_groups(column: PreparedColumn) -> tuple[np.ndarray, tuple[str, ...]]:
    """Group code per row (-1 missing) and group names; countries and genders merged across spellings."""
    assert column.categories is not None
    values = [str(value) for value in column.categories.categories]
    if column.semantic == "country":
        keys: list[str | None] = [country_code(value) for value in values]
        display = {code: country_name(code) for code in keys if code}
    elif column.semantic == "gender":
        keys = [gender_group(value) for value in values]
        display = {key: key for key in keys if key}
    else:
        keys = list(values)
        display = {value: value for value in values}
    names = tuple(sorted(display))
    position = {name: index for index, name in enumerate(names)}
    lookup = np.array([position[key] if key else -1 for key in keys] + [-1], dtype=np.int64)
    codes = lookup[np.asarray(column.categories.codes, dtype=np.int64)]
    return codes, tuple(display[name] for name in names)


def _numeric_candidates(column: PreparedColumn, labels: np.ndarray, k: int) -> list[Candidate]:
    assert column.numbers is not None
    values = np.asarray(column.numbers, dtype=np.float64)
    known = np.isfinite(values)
    if known.sum() < 2:
        return []
    overall_median = float(np.median(values[known]))
    known_values = scaled_down(values[known])
    spread = float(known_values.std())
    if spread == 0 or not np.isfinite(spread):
        return []
    overall_mean = float(known_values.mean())
    counts = np.bincount(labels[known], minlength=k)
    sums = np.bincount(labels[known], weights=known_values, minlength=k)
    candidates = []
    for segment in np.flatnonzero(counts >= MIN_SUPPORT):
        difference = (sums[segment] / counts[segment] - overall_mean) / spread
        if abs(difference) < MIN_STRENGTH:
            continue
        effect = FeatureEffect(
            column.name, "numeric", column.name, None, np.nan, overall_median, float(difference), unit=column.unit
        )
        candidates.append(Candidate(int(segment), abs(float(difference)), effect))
    return candidates


def _category_candidates(
    name: str, codes: np.ndarray, values: tuple[str, ...], labels: np.ndarray, k: int
) -> list[Candidate]:
    known = codes >= 0
    if not values or not known.any():
        return []
    table = np.bincount(labels[known] * len(values) + codes[known], minlength=k * len(values))
    counts = table.reshape(k, len(values)).astype(np.float64)
    return _share_candidates(name, "category", values, counts, counts.sum(axis=1))


def _label_candidates(column: PreparedColumn, labels: np.ndarray, k: int, *, label_prefix: str = "") -> list[Candidate]:
    assert column.labels is not None
    n_rows = labels.size
    known = np.ones(n_rows, dtype=bool) if column.labels_known is None else np.asarray(column.labels_known, bool)
    membership = sparse.csr_matrix((known.astype(np.float64), (labels, np.arange(n_rows))), shape=(k, n_rows))
    counts = np.asarray((membership @ sparse.csr_matrix(column.labels, dtype=np.float64)).todense())
    known_counts = np.bincount(labels[known], minlength=k)
    return _share_candidates(column.name, "label", column.vocabulary, counts, known_counts, label_prefix=label_prefix)


def _share_candidates(
    name: str,
    kind: str,
    values: tuple[str, ...],
    counts: np.ndarray,
    known_per_segment: np.ndarray,
    *,
    label_prefix: str = "",
) -> list[Candidate]:
    """Candidates from a segments x values table of counts (rows with the value among known rows)."""
    total_known = float(known_per_segment.sum())
    if total_known == 0:
        return []
    overall = counts.sum(axis=0) / total_known
    spread = np.sqrt(overall * (1 - overall))
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = counts / known_per_segment[:, None]
        strength = (shares - overall) / spread
    usable = (spread > 0) & np.isfinite(strength) & (known_per_segment[:, None] >= MIN_SUPPORT)
    # An over-representation resting on one or two rows is noise, not a trait.
    usable &= (counts >= MIN_SUPPORT) | (shares < overall)
    ranked = np.where(usable, np.abs(strength), -np.inf)
    top = np.argsort(-ranked, axis=1, kind="stable")[:, :VALUES_PER_SEGMENT]
    candidates = []
    for segment, value in ((s, v) for s in range(top.shape[0]) for v in top[s] if ranked[s, v] >= MIN_STRENGTH):
        effect = FeatureEffect(
            column=name,
            kind="label" if kind == "label" else "category",
            label=f"{label_prefix or name}: {values[value]}",
            value=values[value],
            segment_value=float(shares[segment, value]),
            overall_value=float(overall[value]),
            effect=float(shares[segment, value] / overall[value]),
        )
        candidates.append(Candidate(int(segment), abs(float(strength[segment, value])), effect))
    return candidates
