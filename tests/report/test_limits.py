from __future__ import annotations

import pytest

from bot.report.limits import BlockKitLimitError, block_problems, check_blocks, first_valid, shorten, view_problems


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_shorten_keeps_whole_words() -> None:
    text = "Frequent weekend shoppers from southern Brazil"
    assert shorten(text, 100) == text
    assert shorten(text, 30) == "Frequent weekend shoppers…"
    assert shorten("Supercalifragilistic", 10) == "…"
    assert shorten("  spaced   out\ntext ", 50) == "spaced out text"
    for limit in range(2, len(text)):
        short = shorten(text, limit)
        assert len(short) <= limit
        assert text.startswith(short.removesuffix("…"))
        kept = short.removesuffix("…")
        assert not kept or text[len(kept)] == " ", f"cut mid-word at {limit}: {short!r}"


def test_valid_blocks_have_no_problems() -> None:
    assert block_problems([section("hello"), {"type": "divider"}]) == []


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}, "150"),
        (section("x" * 3001), "3000"),
        (section("  "), "empty"),
        ({"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}, "10"),
        ({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}, "10"),
        (
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "y" * 76}, "value": "1"}
                ],
            },
            "button text",
        ),
        ({"type": "no_such_block"}, "unknown block type"),
    ],
)
def test_each_limit_is_caught(block: dict[str, object], problem: str) -> None:
    problems = block_problems([block])
    assert problems and problem in problems[0]


def test_too_many_blocks() -> None:
    assert block_problems([{"type": "divider"}] * 51) == ["51 blocks, more than 50"]
    with pytest.raises(BlockKitLimitError, match="51 blocks"):
        check_blocks([{"type": "divider"}] * 51)
    assert block_problems([{"type": "divider"}] * 100, max_blocks=100) == []


def test_view_limits() -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "private_metadata": "m" * 3001}
    assert len(view_problems(view)) == 2


def test_first_valid_takes_the_richest_layout_that_fits() -> None:
    too_big = [section("x")] * 60
    fits = [section("x")] * 3
    assert first_valid([lambda: too_big, lambda: fits, lambda: [section("never")]]) == fits
    with pytest.raises(BlockKitLimitError, match="most compact"):
        first_valid([lambda: too_big])
