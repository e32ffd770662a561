from __future__ import annotations

import pytest

from bot.report.chart import _wrap, render_chart
from tests.report.png import decode
from tests.report.summaries import summary, typed


def test_chart_is_a_readable_png() -> None:
    width, height = decode(render_chart(typed(summary(4, n_features=6))))
    assert 1000 <= width <= 2000
    assert 250 <= height <= 800


def test_chart_grows_with_the_number_of_segments() -> None:
    names = tuple("A very long user supplied segment name that goes on and on " * 3 for _ in range(12))
    small = decode(render_chart(typed(summary(3))))
    large = decode(render_chart(typed(summary(12, names=names, n_features=12))))
    assert large[0] == small[0]
    assert large[1] > small[1] + 300
    assert large[1] < 1500


def test_chart_without_features_still_shows_sizes() -> None:
    data = summary(3)
    for segment in data["segments"]:
        segment["features"] = []
    width, height = decode(render_chart(typed(data)))
    assert width > 800
    assert height > 200


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("NumWebVisitsMonth", "Num Web\nVisits Month"),
        ("MntMeatProducts", "Mnt Meat\nProducts"),
        ("days since last_purchase_date", "days since\nlast purchase\ndate"),
        ("Teenhome", "Teenhome"),
        ("X" * 50, "X" * 12 + "…"),
    ],
)
def test_column_labels_wrap_at_camel_case_humps_so_neighbours_do_not_overlap(column: str, expected: str) -> None:
    assert _wrap(column, 13, lines=3) == expected
