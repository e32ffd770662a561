"""A campaign brief per segment, built only from the data: no invented facts, no language model.

- who they are: the segment's name and its 3 strongest differences in plain words;
- what they care about: interests, categories and products that over-index (label features, category columns
  named like category/product/interest, spend-per-category numbers above the audience's);
- how to reach them: channels, devices, platforms, times and countries that over-index (category values at
  least `MIN_LIFT` times as common as overall; per-channel counts at least `MIN_SHIFT` SD above average);
- what to lead with: angles made of the above ("Lead with wines and meat", "Skews 25-34", "Web-first");
- what it is worth: value share and index, outcome rates, or its size.
Suggested creators come from the catalog and are added by the report, not here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from segmentation.effects import candidates_for
from segmentation.lexicon import product_word, tokens_of, value_label
from segmentation.naming import is_code_name
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.ranking import one, times_average
from segmentation.result import AudienceMix, CampaignBrief, FeatureEffect, SegmentProfile

REACH_WORDS = (
    "channel",
    "device",
    "platform",
    "source",
    "medium",
    "app",
    "browser",
    "os",
    "network",
    "time",
    "hour",
    "day",
    "weekday",
    "daypart",
    "country",
    "region",
    "city",
    "state",
    "language",
    "social",
    "web",
    "store",
    "catalog",
    "online",
    "mobile",
    "email",
    "deals",
    "visits",
)
CARE_WORDS = (
    "interest",
    "interests",
    "category",
    "categories",
    "product",
    "products",
    "genre",
    "topic",
    "topics",
    "hobby",
    "hobbies",
    "brand",
    "mnt",
    "likes",
    "favourite",
    "favorite",
)
# Words left out when a count column is named in an angle ("NumWebVisitsMonth": "web visits").
COUNT_FILLER = frozenset({"num", "number", "of", "n", "no", "count", "total", "month", "monthly", "per", "last"})
FIRST_SHARE = 0.5  # "Instagram-first" only when most of the segment is
MIN_LIFT = 1.2
MIN_SHARE = 0.1
MIN_SHIFT = 0.3
PER_PART = 4
AGE_LIFT = 1.2


def brief_signals(
    prepared: PreparedTable, labels: np.ndarray, k: int
) -> tuple[tuple[tuple[FeatureEffect, ...], tuple[FeatureEffect, ...]], ...]:
    """Per segment 0..k-1: (what they care about, how to reach them), strongest first."""
    labels = np.asarray(labels, dtype=np.int64)
    care: list[list[tuple[float, FeatureEffect]]] = [[] for _ in range(k)]
    reach: list[list[tuple[float, FeatureEffect]]] = [[] for _ in range(k)]
    for column in prepared.columns:
        part = _part(column)
        if part is None:
            continue
        for candidate in candidates_for(column, labels, k):
            effect = candidate.effect
            if effect.kind == "numeric" and column.numbers is not None:
                rows = np.asarray(column.numbers)[labels == candidate.segment]
                median = float(np.nanmedian(rows)) if np.isfinite(rows).any() else float("nan")
                effect = replace(effect, segment_value=median)
            if _over_indexes(effect):
                (care if part == "care" else reach)[candidate.segment].append((candidate.strength, effect))
    return tuple((_strongest(care[segment]), _strongest(reach[segment])) for segment in range(k))


def campaign_brief(
    profile: SegmentProfile,
    overall: AudienceMix,
    cares: Sequence[FeatureEffect],
    reach: Sequence[FeatureEffect],
    *,
    row_noun: str = "people",
) -> CampaignBrief:
    """The brief of one segment (`cares` / `reach` from `brief_signals`)."""
    differences = tuple(plain(f) for f in profile.features[:3])
    # A label that sets the segment apart by being rarer in it ("shopping: 10% vs 25%") is not what it cares about.
    care_words = _dedupe(
        [_value_word(f) for f in cares]
        + [_value_word(f) for f in profile.features if f.kind == "label" and _over_indexes(f)]
    )
    reach_lines = tuple(plain(f) for f in reach[:PER_PART])
    who = profile.name + (": " + "; ".join(differences) if differences else "")
    return CampaignBrief(
        who=who,
        differences=differences,
        cares_about=tuple(care_words[:PER_PART]),
        reach=reach_lines,
        lead_with=_angles(profile, overall, care_words, reach),
        worth=_worth(profile, row_noun),
    )


def plain(feature: FeatureEffect) -> str:
    """One difference in plain words: "Recency lower than average (median 12 vs 40)", "Country: Brazil 40% vs 12%"."""
    label = feature.label
    if feature.value is not None and feature.value.lower() not in label.lower():
        label = f"{label}: {feature.value}"
    if feature.kind == "numeric" and label == feature.column:
        label = value_label(label)  # "meat spend (MntMeatProducts)", "catalog purchases (NumCatalogPurchases)"
    if feature.kind == "numeric":
        way = "higher" if feature.effect > 0 else "lower"
        segment, overall = _num(feature.segment_value, feature.unit), _num(feature.overall_value, feature.unit)
        if segment in (overall, "n/a"):  # equal medians: say which way the average leans
            return f"{label} {way} than average"
        return f"{label} {way} than average (median {segment} vs {overall})"
    return f"{label}: {_pct(feature.segment_value)} vs {_pct(feature.overall_value)} overall"


def _part(column: PreparedColumn) -> str | None:
    words = _words(column.name)
    if column.semantic == "interests" or any(_has(words, w) for w in CARE_WORDS):
        return "care"
    if column.numbers is not None and product_word(column.name) is not None:  # "Grocery", "Fresh": spend per product
        return "care"
    if column.semantic == "country" or any(_has(words, w) for w in REACH_WORDS):
        return "reach"
    return None


def _over_indexes(effect: FeatureEffect) -> bool:
    if effect.kind == "numeric":
        return effect.effect >= MIN_SHIFT
    return effect.effect >= MIN_LIFT and effect.segment_value >= MIN_SHARE


def _strongest(found: list[tuple[float, FeatureEffect]]) -> tuple[FeatureEffect, ...]:
    return tuple(effect for _, effect in sorted(found, key=lambda item: -item[0]))[: PER_PART * 2]


def _angles(
    profile: SegmentProfile, overall: AudienceMix, cares: Sequence[str], reach: Sequence[FeatureEffect]
) -> tuple[str, ...]:
    angles = []
    if cares:
        angles.append("Lead with " + _and(cares[:2]))
    band = _skewed_age(profile.audience, overall)
    if band:
        angles.append(f"Skews {band}")
    if reach:
        angles.append(_reach_angle(reach[0]))
    if not angles and profile.features:
        first = profile.features[0]
        if is_code_name(first.column):
            # A median of a coded column (MOSTYPE 8 vs 30) is no message: say so rather than dress it up as one.
            angles.append(
                f"No message angle in this file's words: the clearest difference is a coded column ({plain(first)}); "
                "its codebook says what that means"
            )
        else:
            angles.append("Lead with what sets them apart: " + plain(first))
    return tuple(angles)


def _skewed_age(segment: AudienceMix, overall: AudienceMix) -> str | None:
    lifted = [
        (share / overall.age_bands[band], band)
        for band, share in segment.age_bands.items()
        if share >= 0.25 and overall.age_bands.get(band, 0) > 0
    ]
    best = max(lifted, default=None)
    return best[1] if best and best[0] >= AGE_LIFT else None


def _worth(profile: SegmentProfile, row_noun: str) -> str:
    parts = [f"{profile.size:,} {row_noun} ({_pct(profile.share)} of the audience)"]
    if profile.value is not None:
        value = profile.value
        parts.append(
            f"{_pct(value.share)} of {value_label(value.column)}, {times_average(value.per_person_index)} the "
            f"average per {one(row_noun)}"
        )
    parts += [
        f"{o.column} {_rate(o.rate)} vs {_rate(o.overall)} overall ({o.lift:.1f}x; 95% interval "
        f"{_rate(o.ci[0])}-{_rate(o.ci[1])})"
        for o in profile.outcomes
    ]
    # The report's caveat (small, unstable, a one-column twin) travels with the brief, which is read on its own.
    return "; ".join(parts) + (f". {profile.confidence_note}" if profile.confidence_note else "")


def _reach_angle(feature: FeatureEffect) -> str:
    """The strongest way to reach the segment, claiming no more than the data shows: "Instagram-first" only when
    most of the segment is; else what over-indexes, with its shares; for a count, "More catalog purchases than
    average"."""
    if feature.value is not None:
        share = f"{_pct(feature.segment_value)} of them vs {_pct(feature.overall_value)} overall"
        # A bare code ("Channel" 2) says nothing alone: it is named with its column.
        value = feature.value if not feature.value.isdigit() else f"{feature.column} {feature.value}"
        if "country" in _words(feature.column):
            where = "Reach them in" if feature.segment_value >= FIRST_SHARE else "Over-represented in"
            return f"{where} {value} ({share})"
        if feature.segment_value >= FIRST_SHARE:
            return f"{value}-first ({share})"
        return f"Over-indexes on {value} ({share})"
    words = " ".join(token for token in tokens_of(feature.column) if token not in COUNT_FILLER)
    return f"More {words or feature.column} than average"


def _value_word(feature: FeatureEffect) -> str:
    if feature.value is not None:
        return feature.value
    product = product_word(feature.column)
    if product is not None:
        return product
    text = re.sub(r"^(mnt|num|interest|likes)[ _]?", "", feature.column, flags=re.IGNORECASE)
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").strip() or feature.column


def _dedupe(items: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _has(words: str, word: str) -> bool:
    if word in ("mnt", "num"):
        return words.startswith(word + " ")
    return re.search(rf"\b{re.escape(word)}\b", words) is not None


def _words(name: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return " ".join(re.split(r"[^a-z0-9]+", spaced.lower())).strip()


def _num(value: float, unit: str | None = None) -> str:
    if not np.isfinite(value):
        return "n/a"
    if unit == "year":  # a calendar year: 2006, never 2,006
        return f"{value:.0f}"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _pct(share: float) -> str:
    percent = share * 100
    return f"{percent:.1f}%" if 0 < percent < 1 else f"{percent:.0f}%"


def _rate(share: float) -> str:
    """An outcome rate, with one decimal as in the ranking and the report's outcome lines."""
    return f"{share * 100:.1f}%"
