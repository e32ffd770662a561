"""Number and effect formatting shared by the terminal report."""

from __future__ import annotations

from segmentation.result import FeatureEffect

_UNIT_PREFIX = {"currency": "$"}
_UNIT_SUFFIX = {"percent": "%", "days": " days", "years": " years"}


def number(value: float, unit: str | None = None) -> str:
    """`1234.5` -> `1,234.5`; whole numbers lose their decimals; units add `$`, `%` or ` days`; a year is `2006`."""
    if unit == "year":
        return f"{value:.0f}"
    magnitude = abs(value)
    if magnitude >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.2f}"
    return f"{_UNIT_PREFIX.get(unit or '', '')}{text}{_UNIT_SUFFIX.get(unit or '', '')}"


def percent(share: float) -> str:
    """`0.4567` -> `46%`; small non-zero shares keep a decimal (`0.4%`)."""
    if 0 < share < 0.01:
        return f"{share * 100:.1f}%"
    return f"{share * 100:.0f}%"


def describe_feature(feature: FeatureEffect) -> str:
    """One line a marketer can read: `age: median 24 vs 38 overall (-1.2 SD)` or `country Brazil: 78% vs 12% (6.5x)`."""
    if feature.kind == "numeric":
        segment, overall = number(feature.segment_value, feature.unit), number(feature.overall_value, feature.unit)
        if segment == overall:  # equal medians (0 vs 0) show no difference: say which way the average leans
            way = "higher" if feature.effect > 0 else "lower"
            return (
                f"{feature.label}: {way} than overall on average (median {segment} in both, {feature.effect:+.1f} SD)"
            )
        return f"{feature.label}: median {segment} vs {overall} overall ({feature.effect:+.1f} SD)"
    return (
        f"{feature.label}: {percent(feature.segment_value)} vs {percent(feature.overall_value)} "
        f"overall ({feature.effect:.1f}x)"
    )
