from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.report.filters import compact, json_string, lift, mrkdwn, num, pct, platform, score, signed, timestamp


def test_mrkdwn_escapes_the_three_control_characters() -> None:
    assert mrkdwn("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"
    assert mrkdwn("plain *bold*") == "plain *bold*"


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "line\nbreak\ttab", "emoji 🎯 and \u2028"])
def test_json_string_round_trips_inside_a_json_literal(text: str) -> None:
    assert json.loads(f'"{json_string(text)}"') == text


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (3000, None, "3,000"),
        (24.0, None, "24"),
        (3.14159, None, "3.14"),
        (12.34, None, "12.3"),
        (1234.5, None, "1,234"),
        (49.5, "currency", "$49.5"),
        (12, "days", "12 days"),
        (2006.0, "year", "2006"),
        (float("nan"), None, "n/a"),
    ],
)
def test_num(value: float, unit: str | None, expected: str) -> None:
    assert num(value, unit) == expected


@pytest.mark.parametrize(
    ("share", "expected"), [(0.4567, "46%"), (0.004, "0.4%"), (0.0, "0%"), (1.0, "100%"), (0.996, "99.6%")]
)
def test_pct_never_rounds_to_a_misleading_zero_or_hundred(share: float, expected: str) -> None:
    assert pct(share) == expected


def test_signed_lift_score_compact_platform() -> None:
    assert signed(1.234) == "+1.2"
    assert signed(-0.5) == "−0.5"
    assert signed(0.01) == "0.0"
    assert lift(6.5) == "6.5x as common"
    assert lift(2.0) == "2x as common"
    assert lift(0.125) == "8x less common"
    assert lift(0.0) == "none here"
    assert score(0.8) == "0.80"
    assert pct(0.0139, 1) == "1.4%"
    assert pct(0.004, 1) == "0.4%"
    assert compact(950) == "950"
    assert compact(12_500) == "12.5k"
    assert compact(1_200_000) == "1.2M"
    assert platform("tiktok") == "TikTok"
    assert platform("Mastodon") == "Mastodon"
    assert timestamp(datetime(2026, 11, 29, 9, 5, tzinfo=UTC)) == "2026-11-29 09:05 UTC"
