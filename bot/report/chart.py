"""The report's chart: segment sizes beside a heat map of how each segment differs on the top features.

Numbers are standardized differences (SD) and shares are lifts; both become one signed scale so a
marketer reads red as "more than average" and blue as "less": SD as is, lifts as log2 (2x -> +1, 0.5x -> -1).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.report.filters import pct, signed
from bot.report.limits import ELLIPSIS, shorten
from bot.report.report_input import ReportInput
from segmentation.result import FeatureEffect, SegmentProfile

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOP_FEATURES = 10
LABEL_WIDTH = 28
EFFECT_CAP = 3.0
SMALLEST_LIFT = 1 / 16  # lifts below this all read as "much less" (log2 -4)
FEATURE_KEY_LENGTH = 40
# Where a camelCase or PascalCase column name (NumWebVisitsMonth) may break across lines.
CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def render_chart(report: ReportInput) -> bytes:
    """A PNG: bars of segment sizes (left) and a heat map of the top features' effects (right)."""
    # matplotlib is imported here, not with the module: a web process or worker that draws no chart starts
    # without it (most of a second of CPU).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    segments = [segment.profile for segment in report.segments]
    columns = _top_features(segments)
    figure = plt.figure(figsize=(13, 1.8 + 0.55 * len(segments)), dpi=110, layout="constrained")
    try:
        size_axes, heat_axes = figure.subplots(1, 2, width_ratios=(1, 2.2) if columns else (1, 0.01))
        _draw_sizes(size_axes, segments)
        if columns:
            _draw_effects(figure, heat_axes, segments, columns)
        else:
            heat_axes.set_axis_off()
        figure.suptitle(
            chart_title(len(segments), report.result.n_rows, report.result.row_noun),
            fontsize=13,
            fontweight="bold",
            x=0.01,
            ha="left",
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _segment_label(segment: SegmentProfile) -> str:
    return _wrap(f"{segment.id}. {segment.name}", LABEL_WIDTH)


def _wrap(label: str, width: int, *, lines: int = 2) -> str:
    """At most `lines` lines of whole words (underscores and camelCase humps of long names count as spaces,
    so column names wrap too)."""
    words = " ".join(_split_humps(word, width) for word in label.replace("_", " ").split())
    short = shorten(words, lines * width)
    if short == ELLIPSIS:  # one word longer than the whole label: its start says more than a bare "…"
        short = words[: width - 1] + ELLIPSIS
    return textwrap.fill(short, width, break_long_words=False, max_lines=lines, placeholder=ELLIPSIS)


def _split_humps(word: str, width: int) -> str:
    return " ".join(CAMEL_HUMP.split(word)) if len(word) > width else word


def _draw_sizes(axes: Any, segments: Sequence[SegmentProfile]) -> None:
    positions = np.arange(len(segments))
    shares = [s.share for s in segments]
    axes.barh(positions, shares, color="#4a6fa5")
    axes.set_yticks(positions, [_segment_label(s) for s in segments], fontsize=9)
    axes.set_ylim(len(segments) - 0.5, -0.5)  # the same rows as the heat map beside it
    axes.set_xlim(0, max(shares) * 1.35)
    axes.set_xticks([])
    axes.set_title("Share of the audience", fontsize=10, loc="left")
    for spine in ("top", "right", "bottom"):
        axes.spines[spine].set_visible(False)
    for position, segment in zip(positions, segments, strict=True):
        axes.text(
            segment.share,
            position,
            f" {pct(segment.share)} ({segment.size:,})",
            va="center",
            fontsize=9,
        )


def _draw_effects(figure: Figure, axes: Any, segments: Sequence[SegmentProfile], columns: list[str]) -> None:
    scores = np.full((len(segments), len(columns)), np.nan)
    notes = [["" for _ in columns] for _ in segments]
    for row, segment in enumerate(segments):
        for feature in segment.features:
            key = _feature_key(feature)
            if key in columns:
                column = columns.index(key)
                scores[row, column] = _signed_effect(feature)
                notes[row][column] = _effect_note(feature)
    import matplotlib

    # A feature that is not among a segment's notable differences stays grey rather than claiming "same".
    colors = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#eeeeee")
    image = axes.imshow(
        np.ma.masked_invalid(np.clip(scores, -EFFECT_CAP, EFFECT_CAP)),
        cmap=colors,
        vmin=-EFFECT_CAP,
        vmax=EFFECT_CAP,
        aspect="auto",
    )
    # Ten columns of 13-character lines touch at 8 pt; a point smaller keeps a gap between neighbours.
    font_size = 8 if len(columns) <= 8 else 7
    axes.set_xticks(range(len(columns)), [_wrap(c, 13, lines=3) for c in columns], fontsize=font_size)
    axes.xaxis.tick_top()
    axes.set_yticks([])
    axes.set_title(
        "Differences from the whole audience (red: more, blue: less, grey: not notable)", fontsize=10, loc="left"
    )
    for row, line in enumerate(notes):
        for column, note in enumerate(line):
            strong = abs(scores[row, column]) > EFFECT_CAP * 0.6 if note else False
            axes.text(column, row, note, ha="center", va="center", fontsize=8, color="white" if strong else "black")
    colorbar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.01)
    colorbar.set_ticks([-EFFECT_CAP, 0, EFFECT_CAP], labels=["less", "same", "more"], fontsize=8)


def _top_features(segments: Sequence[SegmentProfile]) -> list[str]:
    """Up to TOP_FEATURES columns: each segment's strongest differences in turn, so every row shows something."""
    ranked = [sorted(segment.features, key=lambda feature: -abs(_signed_effect(feature))) for segment in segments]
    chosen: list[str] = []
    for position in range(max((len(features) for features in ranked), default=0)):
        for features in ranked:
            if position < len(features) and len(chosen) < TOP_FEATURES:
                key = _feature_key(features[position])
                if key not in chosen:
                    chosen.append(key)
    return chosen


def _feature_key(feature: FeatureEffect) -> str:
    return shorten(feature.label if feature.value is None else f"{feature.column} {feature.value}", FEATURE_KEY_LENGTH)


def _signed_effect(feature: FeatureEffect) -> float:
    if feature.kind == "numeric":
        return feature.effect
    return math.log2(max(feature.effect, SMALLEST_LIFT))


def _effect_note(feature: FeatureEffect) -> str:
    if feature.kind == "numeric":
        return f"{signed(feature.effect)} SD"
    return f"{feature.effect:.1f}x".replace(".0x", "x")


def chart_title(count: int, rows: int, noun: str) -> str:
    """ "4 segments of 3,000 people"; one segment is the whole audience: "No distinct segments in 3,000 people"."""
    if count == 1:
        return f"No distinct segments in {rows:,} {noun}"
    return f"{count} segments of {rows:,} {noun}"
