"""The order in which detail is folded away when a report does not fit in one Slack message.

From most to least detailed: dividers go first, then influencers and notes join their segment's section,
then fewer difference lines and mix items, then influencer reasons, and last the smallest segments move to
one summary line each.
"""

from __future__ import annotations

from dataclasses import replace

from bot.report.view_model import Layout

_COMPACT = Layout(dividers=False, separate_blocks=False)
_SUMMARY_LAYOUTS = (
    Layout(),
    Layout(dividers=False),
    _COMPACT,
    replace(_COMPACT, feature_lines=3, mix_items=2, influencers=2),
    replace(_COMPACT, feature_lines=3, mix_items=2, influencers=2, influencer_reasons=0),
    replace(_COMPACT, feature_lines=2, mix_items=2, influencers=1, influencer_reasons=0),
)
_DETAILS_LAYOUTS = (
    Layout(feature_lines=None, mix_items=5, influencers=5, influencer_reasons=4),
    Layout(feature_lines=None, mix_items=5, influencers=5, influencer_reasons=4, dividers=False),
    Layout(feature_lines=36, mix_items=5, influencers=3, influencer_reasons=2, dividers=False),
    Layout(feature_lines=24, mix_items=3, influencers=3, influencer_reasons=2, dividers=False),
    Layout(feature_lines=12, mix_items=3, influencers=3, influencer_reasons=2, dividers=False),
)


def layouts(n_segments: int, *, details: bool) -> list[Layout]:
    """Layouts to try, richest first; the last ones keep only the biggest segments in full."""
    rich = list(_DETAILS_LAYOUTS if details else ()) + list(_SUMMARY_LAYOUTS)
    smallest = rich[-1]
    return rich + [replace(smallest, detailed_segments=n) for n in range(n_segments - 1, -1, -1)]
