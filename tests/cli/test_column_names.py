"""Every option that takes a column name answers a mistyped one with the column meant (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"
# `export` segments the file before it looks at --id; which columns identify people does not depend on the size, and
# 200 rows segment in a fraction of the 3,000's time (twice about 20 CPU seconds on a busy machine).
EXPORT_ROWS = 200


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


def test_a_mistyped_id_column_of_export_gets_the_one_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audience = tmp_path / "audience.csv"
    audience.write_bytes(b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[: EXPORT_ROWS + 1]))
    assert main(["export", str(audience), "--segment", "1", "--id", "emial"]) == 2
    assert capsys.readouterr().err == (
        "segbot: --id emial is not an identifier column of this file (identifiers: customer_id, email); "
        "did you mean 'email'?\n"
    )
    assert main(["export", str(audience), "--segment", "1", "--id", "age"]) == 2
    assert capsys.readouterr().err == (
        "segbot: --id age is not an identifier column of this file (identifiers: customer_id, email).\n"
    )
