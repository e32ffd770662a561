"""The digest view and its templates: every kind of digest, escaping, Block Kit validity, the privacy minimum."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from bot.digests.rendering import RenderedDigest, render_digest
from bot.digests.view_model import VersionInfo, digest_view
from segmentation.result import SegmentationResult, SegmentValue
from segmentation.tracking import track_segments
from tests.segmentation.tracking_fixtures import BASE, LOYAL, QUIET, SPENDERS, YOUNG, Group, audience

AT = datetime(2026, 3, 30, 7, tzinfo=UTC)
WEEKEND = Group("Weekend buyers", 300, (0.0, 1.0, 1.0), (0.5, 0.3, 0.2))
EVENING = Group("Evening buyers", 300, (0.0, 2.0, 2.0), (0.3, 0.5, 0.2))
REGULAR = Group("Regular buyers", 600, (0.0, 1.5, 1.5), (0.4, 0.4, 0.2))


def _digest(
    previous: SegmentationResult | None, current: SegmentationResult, *, stale: bool = False, min_size: int = 10
) -> RenderedDigest:
    info = VersionInfo("newsletter", 5, AT, 4 if previous else None, stale)
    message = render_digest(digest_view(track_segments(previous, current), info, min_size=min_size))
    assert len(message.blocks) <= 50
    for block in message.blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    return message


def test_a_first_digest_introduces_the_segments() -> None:
    text = _digest(None, audience(BASE)).text
    assert text.startswith("First digest of *newsletter*: 1,200 people in 4 segments.")
    assert "\n• *Young Germans*: 400 people, 33%\n" in text


def test_a_stale_digest_says_there_is_nothing_new() -> None:
    text = _digest(audience(BASE), audience(BASE, seed=2), stale=True).text
    assert text.startswith("No new data for *newsletter* since version 5 (2026-03-30 07:00 UTC): still 1,200 people")
    assert "4 segments" in text


def test_structural_changes_each_get_a_line() -> None:
    before = audience([YOUNG, WEEKEND, EVENING, LOYAL, QUIET])
    students = Group("Students", 250, (-1.5, -2.0, -2.0), (0.3, 0.3, 0.4), genders=(0.8, 0.2))
    after = audience([replace(YOUNG, size=700), REGULAR, LOYAL, students], seed=3)
    text = _digest(before, after).text
    assert text.startswith("*newsletter* changed: 1,750 people (+250) in 4 segments. Biggest move: *Young Germans*")
    assert "1 new. 1 merged. 1 gone." in text.splitlines()[0]
    assert ":new: *Students*: 250 people, 14%" in text
    assert ":twisted_rightwards_arrows: Weekend buyers and Evening buyers merged into *Regular buyers*" in text
    assert ":wave: *Quiet Americans* is gone (was 300 people, 20%)" in text


def test_a_split_names_its_parts() -> None:
    before = audience([YOUNG, REGULAR, QUIET])
    after = audience([YOUNG, replace(WEEKEND, size=320), replace(EVENING, size=280), QUIET], seed=4)
    text = _digest(before, after).text
    assert ":scissors: Regular buyers split into *Weekend buyers* (320 people" in text
    assert "and *Evening buyers* (280 people" in text


def test_user_text_is_escaped_for_mrkdwn() -> None:
    shouting = [replace(YOUNG, name="<!channel> & friends"), SPENDERS, LOYAL, QUIET]
    message = _digest(None, audience(shouting))
    assert "&lt;!channel&gt; &amp; friends" in message.text and "<!channel>" not in message.text
    assert "<!channel>" not in str(message.blocks)


def test_segments_under_the_minimum_are_only_counted() -> None:
    before = audience([*BASE, Group("Tiny club", 8, (3.0, 3.0, 3.0), (0.0, 0.0, 1.0))])
    message = _digest(before, audience(BASE, seed=5), min_size=10)
    assert "Tiny club" not in message.text and "Tiny club" not in str(message.blocks)
    assert ":wave: 1 small segment gone" in message.text


def _valued(result: SegmentationResult, shares: dict[str, float]) -> SegmentationResult:
    """`result` with a value column: each named segment's share of revenue (the index follows from its size)."""
    segments = tuple(
        replace(s, value=SegmentValue("revenue", shares[s.name], shares[s.name] / s.share)) for s in result.segments
    )
    return replace(result, segments=segments, value_column="revenue")


def test_a_digest_says_how_value_moved() -> None:
    before, after = audience(BASE), audience(BASE, seed=2)
    names = [s.name for s in before.segments]
    old = dict(zip(names, (0.48, 0.22, 0.2, 0.1), strict=True))
    new = dict(zip(names, (0.55, 0.22, 0.13, 0.1), strict=True))
    text = _digest(_valued(before, old), _valued(after, new)).text
    first = next(s for s in after.segments if s.name == names[0])
    assert f"{first.share * 100:.0f}% of people, 55% of revenue, up from 48%" in text
    assert "13% of revenue, down from 20%" in text
    assert "22% of revenue, steady" in text
    assert "revenue" not in _digest(before, after).text
