"""`segbot segment` end to end through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.cli import main
from tests.cli.imports import imported_by
from tests.targeting.public_tables import shared_file

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"


def test_json_output_and_labels_file_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels_path = tmp_path / "labels.csv"

    exit_code = main(["segment", str(SAMPLE), "--format", "json", "--labels-out", str(labels_path)])

    assert exit_code == 0
    summary = json.loads(capsys.readouterr().out)
    assert {"k", "k_scores", "stability", "columns", "segments"} <= summary.keys()
    assert 1 <= summary["k"] <= 12
    assert str(summary["k"]) in summary["k_scores"]
    segments = summary["segments"]
    assert len(segments) == summary["k"]
    assert sum(s["size"] for s in segments) == summary["rows"]
    assert abs(sum(s["share"] for s in segments) - 1) < 1e-3
    assert all(s["name"] and s["features"] and "audience" in s for s in segments)
    lines = labels_path.read_text().splitlines()
    assert lines[0] == "row,segment"
    assert len(lines) - 1 == summary["rows"]
    rows = [line.split(",") for line in lines[1:]]
    assert [int(row) for row, _ in rows] == list(range(summary["rows"]))
    counts: dict[int, int] = {}
    for _, segment_id in rows:
        counts[int(segment_id)] = counts.get(int(segment_id), 0) + 1
    assert counts == {s["id"]: s["size"] for s in segments}


def test_forced_k_and_same_seed_same_answer(capsys: pytest.CaptureFixture[str]) -> None:
    main(["segment", str(SAMPLE), "--k", "3", "--seed", "5", "--format", "json"])
    first = json.loads(capsys.readouterr().out)
    main(["segment", str(SAMPLE), "--k", "3", "--seed", "5", "--format", "json"])
    second = json.loads(capsys.readouterr().out)
    assert first["k"] == 3
    assert first["segments"] == second["segments"]


def test_text_report_names_segments_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(SAMPLE), "--exclude", "email"]) == 0
    out = capsys.readouterr().out
    assert "segments in sample_audience.csv" in out
    flowing = " ".join(out.split())
    assert "Segbot tried 1 to 8 segments: 5 fit the data best" in flowing
    assert "Engine note: k=5" in flowing
    assert "What sets it apart" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>", "HTML"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image"),
        (b"a,b\n1,2\n3,4\n", "20"),
    ],
)
def test_broken_input_exits_2_with_one_sentence_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    source = tmp_path / "audience.csv"
    source.write_bytes(content)
    labels_path = tmp_path / "labels.csv"

    exit_code = main(["segment", str(source), "--labels-out", str(labels_path)])

    captured = capsys.readouterr()
    assert exit_code == 2
    assert captured.out == ""
    error_lines = captured.err.strip().splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith("segbot: ")
    assert expected.lower() in error_lines[0].lower()
    assert not labels_path.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_missing_path_and_unknown_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(tmp_path / "nope.csv")]) == 2
    assert "no file at" in capsys.readouterr().err
    assert main(["segment", str(SAMPLE), "--columns", "agee"]) == 2
    err = capsys.readouterr().err
    assert "agee" in err
    assert len(err.strip().splitlines()) == 1


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    segbot = Path(sys.executable).with_name("segbot")
    completed = subprocess.run(
        [str(segbot), "segment", str(tmp_path / "missing.csv")], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("segbot: There is no file at")
    assert "Traceback" not in completed.stderr


def test_labels_out_that_is_a_folder_is_refused_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    assert main(["segment", str(SAMPLE), "--k", "2", "--labels-out", str(folder)]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"segbot: {folder} is a folder; give the path of a file to write (e.g. a name inside that folder)."
    ]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("names", ["", ",", " , "])
def test_an_empty_column_list_is_refused_before_reading(capsys: pytest.CaptureFixture[str], names: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["segment", str(SAMPLE), "--columns", names])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith("argument --columns: give one or more column names separated by commas, e.g. age,country")
    )


def test_labels_out_is_checked_before_segmenting_and_never_overwrites_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audience = tmp_path / "audience.csv"
    audience.write_bytes(SAMPLE.read_bytes())

    assert main(["segment", str(audience), "--labels-out", str(audience)]) == 2
    assert capsys.readouterr().err == (
        f"segbot: {audience} is the input file; choose another output path so the input is not overwritten.\n"
    )
    assert audience.read_bytes() == SAMPLE.read_bytes()

    page = tmp_path / "page.csv"
    page.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    assert main(["segment", str(page), "--labels-out", str(tmp_path / "missing" / "labels.csv")]) == 2
    assert "missing does not exist" in capsys.readouterr().err  # the output path is judged first


def test_outcome_flags_choose_and_cluster_on_outcomes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audience = tmp_path / "audience.csv"
    rows = ["age,plan,bought,opted_in"] + [
        f"{20 + i % 50},{'pro' if i % 3 == 0 else 'free'},{'yes' if i % 7 == 0 else 'no'},{i % 2}" for i in range(300)
    ]
    audience.write_text("\n".join(rows) + "\n")
    assert main(["segment", str(audience), "--k", "2", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["outcome_columns"] == ["bought"]
    roles = {c["name"]: c for c in found["columns"]}
    assert not roles["bought"]["used"] and roles["bought"]["semantic"] == "outcome"
    rates = [s["outcomes"][0] for s in found["segments"]]
    assert all(r["column"] == "bought" and r["overall"] == pytest.approx(43 / 300, abs=1e-4) for r in rates)
    assert (
        main(
            [
                "segment",
                str(audience),
                "--k",
                "2",
                "--format",
                "json",
                "--outcome",
                "opted_in",
                "--outcome",
                "bought",
                "--cluster-on",
                "bought",
            ]
        )
        == 0
    )
    chosen = json.loads(capsys.readouterr().out)
    assert chosen["outcome_columns"] == ["bought", "opted_in"]
    assert {c["name"]: c["used"] for c in chosen["columns"]}["bought"] is True
    assert main(["segment", str(audience), "--outcome", "age"]) == 2
    assert "The outcome column 'age' is not a yes/no column" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "plan,active\n" + "".join(f"{'abc'[i % 3]},{('no', 'yes')[i % 2]}\n" for i in range(100)), id="plan"
        ),
        pytest.param("stars\n" + "".join(f"{(1, 5)[i * 7 % 3 == 0]}\n" for i in range(200)), id="stars 1 or 5"),
    ],
)
def test_few_distinct_rows_print_no_warning(tmp_path: Path, text: str) -> None:
    """Fewer distinct rows than k made scikit-learn print dozens of ConvergenceWarnings on stderr."""
    path = tmp_path / "few.csv"
    path.write_text(text)
    segbot = Path(sys.executable).with_name("segbot")
    completed = subprocess.run([str(segbot), "segment", str(path)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert completed.stdout.startswith(("No distinct segments", "2 segments", "3 segments"))
    assert completed.stderr == ""


def test_a_reader_that_goes_away_is_a_quiet_exit_0() -> None:
    """`segbot segment ... | head -5` (the README's example): a broken pipe is not an error."""
    segbot = Path(sys.executable).with_name("segbot")
    process = subprocess.Popen(
        [str(segbot), "segment", str(SAMPLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("5 segments in sample_audience.csv")
    process.stdout.close()
    assert (process.wait(timeout=120), process.stderr.read()) == (0, "")


def test_a_forced_split_with_one_segment_says_so_in_one_voice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("score\n" + "".join(f"{i % 3}\n" for i in range(60)))
    assert main(["segment", str(path), "--k", "2"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("1 segment in scores.csv (60 rows)")
    assert "the whole audience is shown as 1 segment." in out
    assert "treat these 2" not in out and "1 segments" not in out


def test_a_one_row_table_is_one_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.csv"
    path.write_text("age,spend\n30,12\n")
    assert main(["segment", str(path)]) == 2
    assert "The table has only 1 row;" in capsys.readouterr().err


def test_a_whole_audience_shows_its_mix_without_an_empty_differences_heading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no distinct segments there is nothing to set apart: no bare "What sets it apart" heading."""
    rng = np.random.default_rng(4)
    n = 1_200
    table = pd.DataFrame(
        {
            "age": np.clip(rng.normal(40, 12, n), 18, 90).round(),
            "orders": rng.poisson(3, n),
            "total_spend": rng.lognormal(5, 1.0, n).round(2),
            "gender": rng.choice(np.array(["female", "male"], dtype=object), n),
        }
    )
    path = tmp_path / "flat.csv"
    table.to_csv(path, index=False)
    assert main(["segment", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No distinct segments in flat.csv (1,200 rows)"), out[:200]
    assert "0. Whole audience" in out
    assert "What sets it apart" not in out
    women = f"female {(table['gender'] == 'female').mean():.0%}"
    assert "Audience mix" in out and women in out


# What a plain `segbot segment FILE` must not load: the Slack app, the database, templates, scikit-learn (the
# engine reproduces the two pieces it used), and the influencer matching and id export it does not run.
NOT_ON_THE_SEGMENT_PATH = (
    "sklearn",
    "slack_sdk",
    "slack_bolt",
    "sqlalchemy",
    "jinja2",
    "matplotlib",
    "segmentation.matching",
    "segmentation.catalog_index",
    "bot.report.audience_csv",
    "segmentation.audience_ids",
)


def test_a_plain_segment_run_loads_only_what_it_uses(tmp_path: Path) -> None:
    path = tmp_path / "audience.csv"
    path.write_text("age,plan\n" + "".join(f"{20 + i % 40},{'ab'[i % 2]}\n" for i in range(60)))
    out, imported = imported_by("segment", str(path))
    assert "audience.csv (60 rows)" in out
    assert {"segmentation.clustering", "bot.terminal.report"} <= imported
    assert sorted(set(NOT_ON_THE_SEGMENT_PATH) & imported) == []


def test_a_folder_without_labels_out_says_how_a_folder_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["segment", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"segbot: {tmp_path} is a folder: Segbot reads a folder as the CSV or Parquet partitions")
    assert err.rstrip().endswith("to segment one file, give its path.")


def test_a_forced_k_under_the_stability_bar_is_not_called_stable(capsys: pytest.CaptureFixture[str]) -> None:
    """Mall customers with --k 10 (outside review): the report said "stable (stability 0.71 of 1)" while a chosen k
    needs 0.80, and its engine note gave another figure, 0.68, under the same word "stability"."""
    mall = shared_file("mall_customers", "Mall_Customers.csv")
    assert main(["segment", str(mall), "--k", "10", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    agreement, stability = data["k_stability"]["10"], data["stability"]
    assert agreement < 0.8 and stability < 0.8
    assert f"its split at {agreement:.2f} (adjusted Rand), under the 0.80 a chosen k needs" in data["k_reason"]
    assert f"its segments are found again at {stability:.2f} on average" in data["k_reason"]
    assert main(["segment", str(mall), "--k", "10"]) == 0
    headline = capsys.readouterr().out.splitlines()[0]
    assert headline.endswith(f"fairly stable (stability {stability:.2f} of 1)"), headline
