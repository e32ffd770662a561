"""Short readable segment names ("Young mobile gamers", "High-income lapsed buyers") from what sets them apart.

Each distinguishing feature may give one phrase (see `segmentation.lexicon`): a modifier ("young",
"high-income", "lapsed", "mobile"), a place ("Brazil-based") or a head noun ("fitness fans", "high spenders",
"wine buyers"). A name is one head noun (by default "customers") with at most two modifiers or a place in
front, taken from the features at least half as strong as the strongest one: 2-5 words, sentence case.
Generic phrases (a bare category value, "Instagram-acquired") are used only when nothing better is there.
Names are unique within one result: a segment whose name is taken gets a variant that brings in its weaker
features, then "Other ..."; a segment where nothing stands out is one of the typical groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import count

import numpy as np

from segmentation.countries import country_code
from segmentation.effects import strength
from segmentation.lexicon import (
    DEFAULT_HEAD,
    FALLBACK_NAMES,
    FILLER,
    LIGHT_BUYERS,
    MIXED_NAMES,
    PROPER_WORDS,
    RATINGS,
    SURVEY_SCALE_MAX,
    Phrase,
    boolean_phrase,
    categorical_phrase,
    enumerated,
    interest_noun,
    numeric_phrase,
    product_word,
    reads_as_words,
    says_customers,
    tokens_of,
    unnumbered,
)
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import FeatureEffect

MAX_WORDS = 5
MAX_QUALIFIERS = 2
# A difference smaller than this (in standard deviations) does not make it into a name ...
NAMING_STRENGTH = 0.3
MEDIAN_APART = 0.1
# ... nor one less than this fraction of the segment's strongest nameable difference.
RELATIVE_STRENGTH = 0.5
# A category value names a segment only when it holds at least three in four of its rows (and is over-represented
# by the naming floors above): Bikeshare's "March group" was 51% March, gapminder's "Oceania-based group" one third
# Bahrain. Chosen on Bikeshare, gapminder, OJ, Wage, College and Carseats; checked on the other public files.
MIN_CATEGORY_SHARE = 0.75
MIN_GENDER_SHARE = 0.65
MIN_LABEL_SHARE = 0.25
# At least this many interests raised this much make a "broad-interest" segment.
BROAD_COUNT = 3
BROAD_LIFT = 1.5
_SHORT_PLACES = {"US": "US", "GB": "UK", "AE": "UAE"}
# Rows that are not customers are named for what they are: "Dinner bills", "US-based channels".
ROW_HEADS = ("bills", "transactions", "channels", "accounts")
NEUTRAL_HEAD = "group"


def segment_names(
    features: Sequence[Sequence[FeatureEffect]], prepared: PreparedTable, labels: np.ndarray | None = None
) -> tuple[str, ...]:
    """A unique name per segment, from its distinguishing features (strongest first).

    With the rows' `labels`, a claim a feature cannot carry alone is checked against the data: "light buyers"
    only for a segment that buys less of every product, not one that buys less grocery and more fresh food.
    """
    columns = {column.name: column for column in prepared.columns}
    head = prepared.row_noun if prepared.row_noun in ROW_HEADS else DEFAULT_HEAD
    if prepared.row_noun == "rows" and not says_customers([role.name for role in prepared.roles]):
        # Nothing says what the rows are (players, colleges, hours): a neutral "group", never "customers".
        head = NEUTRAL_HEAD
    light = _light_segments(prepared, labels, len(features))
    taken: set[str] = set()
    names = []
    for segment_features, buys_less in zip(features, light, strict=True):
        ranked = _ranked(segment_features, columns, head, buys_less, NAMING_STRENGTH)
        if not ranked:
            # Nothing strong, yet a median that differs from everyone's is a difference: "Typical" would be false.
            visible = [f for f in segment_features if f.kind == "numeric" and _medians_differ(f)]
            ranked = _ranked(visible, columns, head, buys_less, 0.0)
        mixed = not ranked and any(_unnamed_value(f) for f in segment_features)
        candidates = _candidates(_distinct(ranked), head, mixed=mixed)
        name = next((name for name in candidates if name.lower() not in taken), "")
        # More segments than distinct names (only with a forced, very large k): number the typical groups.
        name = name or next(f"Typical group {n}" for n in count(1) if f"typical group {n}" not in taken)
        taken.add(name.lower())
        names.append(name)
    return tuple(names)


# When rows are bills, transactions or accounts, words for people become words for the row: a purchase is not
# a "high spender", and one made 500 days ago is "earlier", not "long-time".
_ROW_WORDS = {
    "high spenders": Phrase("high-value", "modifier"),
    "low spenders": Phrase("low-value", "modifier"),
    "long-time": Phrase("earlier", "modifier", order=1),
    "new": Phrase("recent", "modifier", order=1),
}


def _for_rows(phrase: Phrase, head: str) -> Phrase:
    return _ROW_WORDS.get(phrase.text, phrase) if head != DEFAULT_HEAD else phrase


def _ranked(
    features: Sequence[FeatureEffect], columns: dict[str, PreparedColumn], head: str, buys_less: bool, floor: float
) -> list[tuple[Phrase, float]]:
    ranked = []
    for effect in features:
        phrase = phrase_for(effect, columns.get(effect.column), floor=floor)
        if phrase is not None and phrase.text == LIGHT_BUYERS and not buys_less:
            # Less grocery but not less of everything: light on that product only ("Light grocery buyers").
            phrase = replace(phrase, text=f"light {product_word(effect.column)} buyers")
        if phrase is not None:
            ranked.append((_for_rows(phrase, head), strength(effect)))
    return ranked + _broad_interest(features, ranked)


def _unnamed_value(effect: FeatureEffect) -> bool:
    """A value over-represented enough to name the segment, held by too few of its rows to do so."""
    return effect.kind != "numeric" and effect.effect > 1 and strength(effect) >= NAMING_STRENGTH


def _medians_differ(effect: FeatureEffect) -> bool:
    """The segment's median is at least MEDIAN_APART of the overall median away from it (any change from 0):
    a median age of 44 against 42 is not "older" (ISLP's Wage, outside review), 47 against 36 is."""
    segment, overall = effect.segment_value, effect.overall_value
    return bool(abs(segment - overall) >= MEDIAN_APART * abs(overall)) and segment != overall


def _light_segments(prepared: PreparedTable, labels: np.ndarray | None, k: int) -> list[bool]:
    """Per segment: at or below the overall median and mean on every product column (MntWines, Fresh, ...)."""
    products = [
        np.asarray(c.numbers, dtype=np.float64)
        for c in prepared.used_columns()
        if c.role == "numeric" and c.numbers is not None and product_word(c.name) is not None
    ]
    if labels is None or not products:
        return [True] * k
    labels = np.asarray(labels)
    light = []
    for segment in range(k):
        members = labels == segment
        light.append(
            all(
                np.nanmedian(values[members]) <= np.nanmedian(values)
                and np.nanmean(values[members]) <= np.nanmean(values)
                for values in products
                if np.isfinite(values[members]).any()
            )
        )
    return light


def _broad_interest(
    features: Sequence[FeatureEffect], ranked: list[tuple[Phrase, float]]
) -> list[tuple[Phrase, float]]:
    """Many interests raised at once, none held by enough of the segment to name it: a broad-interest group."""
    raised = [f for f in features if f.kind == "label" and f.effect >= BROAD_LIFT]
    if len(raised) < BROAD_COUNT or any(phrase.slot == "noun" for phrase, _ in ranked):
        return []
    return [(Phrase("broad-interest", "modifier"), max(strength(f) for f in raised))]


def _distinct(ranked: list[tuple[Phrase, float]]) -> list[tuple[Phrase, float]]:
    """Strongest first, each phrase once (two columns can say the same thing: "MntWines", "WineOrders"); a phrase
    whose words another one already says is dropped for it ("repeat" inside "long-standing repeat")."""
    kept: list[tuple[Phrase, float]] = []
    for phrase, value in sorted(ranked, key=lambda item: -item[1]):
        words = set(phrase.text.split())
        overlapping = [
            i
            for i, (other, _) in enumerate(kept)
            if other.slot == phrase.slot and (words <= set(other.text.split()) or words >= set(other.text.split()))
        ]
        if not overlapping:
            kept.append((phrase, value))
        elif len(words) > len(kept[overlapping[0]][0].text.split()):
            kept[overlapping[0]] = (phrase, kept[overlapping[0]][1])
    return kept


def phrase_for(
    effect: FeatureEffect, column: PreparedColumn | None, *, floor: float = NAMING_STRENGTH
) -> Phrase | None:
    """The phrase one feature contributes to a name, or None when it says nothing nameable."""
    if strength(effect) < floor:
        return None
    if effect.kind == "numeric":
        phrase = numeric_phrase(tokens_of(effect.column), effect.effect > 0, _semantic(column), _is_date(column))
        if phrase is None or phrase.weak:
            phrase = _rating_phrase(effect, column) or phrase
        coded = is_code_name(effect.column) and (phrase is None or phrase.weak)
        if coded or _cut_into_fragments(effect, phrase):
            # A coded column (PBYSTAND) is named as it is, never read as a word ("Pbystand fans"); so is an
            # abbreviation that splitting would cut up (CAtBat is "high CAtBat", never "high-c-bat").
            return Phrase(f"{'high' if effect.effect > 0 else 'low'} {effect.column}", "modifier", weak=True)
        return phrase
    if effect.effect <= 1 or effect.value is None:
        return None
    if effect.kind == "label":
        return interest_noun(effect.value) if effect.segment_value >= MIN_LABEL_SHARE else None
    return _category_phrase(effect, column)


def _cut_into_fragments(effect: FeatureEffect, phrase: Phrase | None) -> bool:
    """A plain "high-..." phrase made from a column name that is not words (CAtBat, S.F.Ratio, Top10perc)."""
    return phrase is not None and phrase.weak and phrase.slot == "modifier" and not reads_as_words(effect.column)


def _category_phrase(effect: FeatureEffect, column: PreparedColumn | None) -> Phrase | None:
    assert effect.value is not None
    if column is not None and column.categories is not None:
        levels = [str(level) for level in column.categories.categories]
        if enumerated(levels):
            # "5. Advanced Degree" is named "advanced-degree", not "5. Advanced Degree-educated".
            effect = replace(effect, value=unnumbered(effect.value))
    assert effect.value is not None
    semantic = _semantic(column)
    if semantic == "gender":
        if effect.segment_value < MIN_GENDER_SHARE:
            return None
        return Phrase({"female": "female", "male": "male"}.get(effect.value, "non-binary"), "modifier")
    if effect.segment_value < MIN_CATEGORY_SHARE:
        return None
    if semantic == "country":
        code = country_code(effect.value) or ""
        return Phrase(f"{_SHORT_PLACES.get(code, effect.value)}-based", "place")
    tokens = tokens_of(effect.column)
    if is_code_name(effect.column):
        return Phrase(f"{effect.column} {effect.value}", "modifier", weak=True)
    if column is not None and column.role == "boolean":
        if re.fullmatch(r"[A-Z]{2,3}", effect.column):  # an acronym (US, VIP) keeps its capitals: never "Us"
            return Phrase(effect.column, "modifier", weak=True) if effect.value == "yes" else None
        phrase = boolean_phrase(tokens, effect.value == "yes")
        # OJ's SpecialMM (a special on Minute Maid) is "SpecialMM", never "Special-mm".
        return replace(phrase, text=effect.column) if _cut_into_fragments(effect, phrase) and phrase else phrase
    return categorical_phrase(tokens, effect.value)


def _rating_phrase(effect: FeatureEffect, column: PreparedColumn | None) -> Phrase | None:
    """A "rating" or "score" column: satisfaction on a survey scale (at most 10), else just a high/low rating."""
    tokens = tokens_of(effect.column)
    if not set(tokens) & RATINGS or column is None or column.numbers is None:
        return None
    high = effect.effect > 0
    values = column.numbers[np.isfinite(column.numbers)]
    if len(values) and values.min() >= 0 and values.max() <= SURVEY_SCALE_MAX:
        return Phrase("satisfied" if high else "dissatisfied", "modifier")
    words = [token for token in tokens if token not in FILLER or token in RATINGS][-2:]
    return Phrase(f"{'high' if high else 'low'}-{'-'.join(words)}", "modifier", weak=True)


def is_code_name(name: str) -> bool:
    """An all-capitals abbreviation such as PBYSTAND or MOSTYPE: a code of the data's own, not a word."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]{3,}", name))


def _semantic(column: PreparedColumn | None) -> str | None:
    return None if column is None else column.semantic


def _is_date(column: PreparedColumn | None) -> bool:
    return column is not None and (column.source is not None or column.role == "date")


def _candidates(ranked: list[tuple[Phrase, float]], head: str = DEFAULT_HEAD, *, mixed: bool = False) -> list[str]:
    """Names to try in order: the strong phrases, then variants that bring in the weaker ones; then the typical
    groups, or first the mixed ones when a value stands out that too few rows hold to name the segment."""
    phrases = [phrase for phrase, _ in ranked]
    variants: list[list[str]] = []
    if ranked:
        cut = RELATIVE_STRENGTH * ranked[0][1]
        variants.append(_words([phrase for phrase, value in ranked if value >= cut], head))
        variants.append(_words(phrases, head))
        variants.extend(_words(phrases[:skipped] + phrases[skipped + 1 :], head) for skipped in range(len(phrases)))
        variants.extend(_words(phrases[skipped:], head) for skipped in range(1, len(phrases)))
        if 0 < len(variants[0]) < MAX_WORDS:
            variants.append(["other", *variants[0]])
    names = [_sentence_case(" ".join(words)) for words in variants if words]
    ordered = (*MIXED_NAMES, *FALLBACK_NAMES) if mixed else FALLBACK_NAMES
    fallbacks = [fallback.replace(DEFAULT_HEAD, head) for fallback in dict.fromkeys(ordered)]
    names.extend(fallbacks)
    names.extend(f"Other {fallback[:1].lower()}{fallback[1:]}" for fallback in fallbacks)
    return names


def _words(phrases: list[Phrase], head_noun: str = DEFAULT_HEAD) -> list[str]:
    """A head noun with up to two qualifiers (modifiers, age first, or a place), at most five words."""
    nouns = sorted((phrase for phrase in phrases if phrase.slot == "noun"), key=lambda phrase: phrase.weak)
    head = nouns[0] if nouns else None
    kin = [p for p in phrases if head and p is not head and p.slot == "noun" and p.family and p.family == head.family]
    qualifiers = [
        phrase
        for phrase in phrases
        if phrase is not head and phrase not in kin and (phrase.slot != "noun" or phrase.modifier)
    ]
    # One modifier made from a noun is enough ("deal-seeking online shoppers", not three of them).
    from_nouns = [phrase for phrase in qualifiers if phrase.slot == "noun"]
    qualifiers = [phrase for phrase in qualifiers if phrase.slot != "noun" or phrase is from_nouns[0]]
    if head is not None and head.family == "product" and kin:
        head = _product_pair(head, kin[0])
    strong = [phrase for phrase in qualifiers if not phrase.weak]
    qualifiers = (strong if strong or head is not None else qualifiers)[:MAX_QUALIFIERS]
    if head is None and not qualifiers:
        return []
    modifiers = sorted((q for q in qualifiers if q.slot != "place"), key=lambda phrase: phrase.order)
    parts = [_modifier_text(phrase) for phrase in modifiers]
    parts.extend(phrase.text for phrase in qualifiers if phrase.slot == "place")
    if head is None:
        parts.append(next((phrase.head for phrase in qualifiers if phrase.head), head_noun))
    else:
        parts.append(head.alone if head.alone and not parts else head.text)
    while len(" ".join(parts).split()) > MAX_WORDS and len(parts) > 1:
        parts.pop(len(parts) - 2)
    return " ".join(parts).split()


def _product_pair(first: Phrase, second: Phrase) -> Phrase:
    """ "fish buyers" + "meat buyers" -> "fish and meat buyers"; "fresh food" + "frozen food" share their noun."""
    # Alphabetical, so that two segments buying the same pair get the same words and are told apart.
    a, b = sorted((first.text.removesuffix(" buyers").split(), second.text.removesuffix(" buyers").split()))
    if len(a) > 1 and len(b) > 1 and a[-1] == b[-1]:
        a = a[:-1]
    return Phrase(f"{' '.join(a)} and {' '.join(b)} buyers", "noun", family="product")


def _modifier_text(phrase: Phrase) -> str:
    return phrase.modifier if phrase.slot == "noun" and phrase.modifier else phrase.text


def _sentence_case(text: str) -> str:
    """Capitalise the first letter, unless the name starts with a word that keeps its own case ("iOS")."""
    first = text.split(" ", 1)[0].split("-", 1)[0]  # "low-PhD" is "Low-PhD"; "iOS-using" stays
    if first.lower() in PROPER_WORDS or any(ch.isupper() for ch in first[1:]):
        return text
    return f"{text[:1].upper()}{text[1:]}"
