"""How much evidence a suggestion rests on: which of the segment's signals the match could use.

A creator fits a segment on up to four signals: interests, audience country, audience age and audience gender.
Each signal is worth a share of a full match (`EVIDENCE`, summing to 1). A suggestion's score is its fit
(how well the creator matches on the signals it could use) times its evidence (the share of the profile those
signals make up), so the scale reads:

| the match could use                        | highest score |
|--------------------------------------------|---------------|
| interests, country, age and gender         | 1.00          |
| interests, country and age                 | 0.85          |
| interests and country                      | 0.65          |
| interests alone                            | 0.40          |
| country, age and gender (no interests)     | 0.60          |
| country alone                              | 0.25          |
| age alone                                  | 0.20          |
| gender alone                               | 0.15          |

A signal counts when the audience file has it and the creator's audience data has it. When the file gives
less than `MIN_EVIDENCE` (gender alone, or nothing), suggestions are withheld: a gender split says nothing about
which creator an audience follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from segmentation.result import SegmentationResult

SIGNALS = ("interests", "country", "age", "gender")
EVIDENCE = {"interests": 0.40, "country": 0.25, "age": 0.20, "gender": 0.15}
MIN_EVIDENCE = 0.2
SIGNAL_NAMES = {"interests": "interests", "country": "country", "age": "age", "gender": "gender"}


@dataclass(frozen=True)
class MatchEvidence:
    """The signals an audience file offers for matching creators, and what that allows."""

    signals: tuple[str, ...]  # in SIGNALS order
    cap: float  # the highest score any suggestion can reach

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(signal for signal in SIGNALS if signal not in self.signals)

    @property
    def withheld(self) -> bool:
        """Too little to suggest anyone (gender alone, or no signal at all)."""
        return self.cap < MIN_EVIDENCE

    @property
    def complete(self) -> bool:
        return not self.missing

    def sentence(self) -> str:
        """What the suggestions rest on, for the report; empty when the file has every signal."""
        if self.complete:
            return ""
        missing = _listed(list(self.missing), "or")
        if not self.signals:
            return (
                f"No influencer suggestions: the file has no {missing} column to match creators on; "
                "add one (e.g. interests or country) to get suggestions."
            )
        rests = f"{_listed(list(self.signals), 'and')} only"
        if self.withheld:
            return (
                f"No influencer suggestions: they would rest on {rests} (the file has no {missing} column), "
                "which says nothing about which creators this audience follows; add interests, country or age."
            )
        return (
            f"Suggestions rest on {rests} (the file has no {missing} column), so scores are capped at "
            f"{self.cap:.2f} of 1."
        )


def match_evidence(result: SegmentationResult) -> MatchEvidence:
    """The signals the audience file has: what the whole audience or any segment knows."""
    audiences = [result.audience, *(segment.audience for segment in result.segments)]
    present = {
        "interests": any(audience.interests for audience in audiences),
        "country": any(audience.countries for audience in audiences),
        "age": any(audience.age_bands for audience in audiences),
        "gender": any(audience.gender for audience in audiences),
    }
    signals = tuple(signal for signal in SIGNALS if present[signal])
    return MatchEvidence(signals=signals, cap=round(sum(EVIDENCE[signal] for signal in signals), 6))


def _listed(items: list[str], joiner: str) -> str:
    """`["country", "age", "gender"]` -> `country, age or gender`."""
    names = [SIGNAL_NAMES[item] for item in items]
    return f" {joiner} ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
