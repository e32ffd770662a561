"""Every option that takes a column name answers a mistyped one with the column meant (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"


@pytest.mark.parametrize(
    ("option", "typo", "meant"),
    [
        ("--columns", "agee,country", "age"),
        ("--exclude", "COUNTRY", "country"),
        ("--outcome", "newslettr_opt_in", "newsletter_opt_in"),
        ("--cluster-on", "newslettr_opt_in", "newsletter_opt_in"),
        ("--value", "total_spnd", "total_spend"),
    ],
)
def test_a_mistyped_column_of_segment_gets_the_one_meant(
    option: str, typo: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segment", str(SAMPLE), option, typo]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segbot: ") and err.endswith(f"; did you mean '{meant}'?\n") and err.count("\n") == 1


def test_a_mistyped_id_column_of_export_gets_the_one_meant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(SAMPLE), "--segment", "1", "--id", "emial"]) == 2
    assert capsys.readouterr().err == (
        "segbot: --id emial is not an identifier column of this file (identifiers: customer_id, email); "
        "did you mean 'email'?\n"
    )
    assert main(["export", str(SAMPLE), "--segment", "1", "--id", "age"]) == 2
    assert capsys.readouterr().err == (
        "segbot: --id age is not an identifier column of this file (identifiers: customer_id, email).\n"
    )
