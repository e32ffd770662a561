"""`segbot influencers ...` through the real CLI entry point, on a fresh SQLite database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.catalog.sample_catalog import SAMPLE_PATH, SAMPLE_SIZE
from bot.cli import main


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "segbot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["influencers", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_counts_and_every_rejected_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(
        tmp_path / "creators.csv",
        "platform,handle,followers,engagement_rate,topics,audience_country\n"
        "instagram,ana,3.3k,1.39%,Fitness,Brazil\n"
        "instagram,bo,many,2%,Music,US\n"
        "tiktok,cy,10k,2%,Gaming,Narnia\n",
    )

    code, out, _ = _run(capsys, "import", str(source))

    assert code == 0
    assert "creators.csv into workspace local: 1 added, 0 updated, 2 rejected (3 rows)." in out
    assert "  row 3: followers 'many' is not a number" in out
    assert "  row 4: audience country 'Narnia' is not a country" in out

    code, out, _ = _run(capsys, "import", str(source))
    assert "0 added, 1 updated, 2 rejected" in out


def test_a_file_that_cannot_be_a_catalog_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_followers = _write(tmp_path / "people.csv", "handle,topics\nana,fitness\n")
    all_bad = _write(tmp_path / "bad.csv", "platform,handle,followers\ninstagram,ana,lots\n")

    code, out, err = _run(capsys, "import", str(no_followers))
    assert code == 2
    assert out == ""
    assert err.startswith("segbot: The file has no followers column") and err.count("\n") == 1

    code, out, err = _run(capsys, "import", str(all_bad))
    assert code == 2
    assert "row 2: followers 'lots' is not a number" in out
    assert err == "segbot: No row of bad.csv could be imported (1 rejected); fix the rows listed above.\n"

    code, _, err = _run(capsys, "import", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "There is no file at" in err


def test_list_filters_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "import", str(SAMPLE_PATH))[0] == 0

    code, out, _ = _run(capsys, "list", "--topic", "gym", "--country", "Brazil", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert rows
    assert all(row["audience_country"] == "BR" for row in rows)
    fitness = {"Fitness & Gym", "Health & Fitness", "Fitness", "Yoga"}
    assert all(fitness & set(row["topics"]) for row in rows)
    assert [row["followers"] for row in rows] == sorted((row["followers"] for row in rows), reverse=True)

    code, out, _ = _run(capsys, "list", "--platform", "tiktok", "--limit", "5")
    assert code == 0
    assert "5 of " in out
    assert out.count("│ tiktok") == 5

    everything = json.loads(_run(capsys, "list", "--format", "json")[1])
    assert len(everything) == SAMPLE_SIZE
    assert any(row["flags"] for row in everything)


def test_list_on_an_empty_catalog_says_how_to_import(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "list", "--workspace", "T9")
    assert code == 0
    assert "catalog of workspace T9 is empty; import one with `segbot influencers import PATH`" in out


def test_export_writes_a_catalog_that_imports_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "import", str(SAMPLE_PATH))
    exported = tmp_path / "out.csv"

    code, out, _ = _run(capsys, "export", str(exported))
    assert code == 0
    assert out == f"Exported {SAMPLE_SIZE} creators of workspace local to {exported}.\n"

    code, out, _ = _run(capsys, "import", str(exported), "--workspace", "copy")
    assert f"{SAMPLE_SIZE} added, 0 updated, 0 rejected" in out
    original = json.loads(_run(capsys, "list", "--format", "json")[1])
    copied = json.loads(_run(capsys, "list", "--format", "json", "--workspace", "copy")[1])
    assert copied == original


def test_pin_block_and_their_undo_with_platform_for_ambiguous_handles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(
        tmp_path / "two.csv",
        "platform,handle,followers,topics,audience_country\ninstagram,ana,10k,Fitness,BR\ntiktok,ana,10k,Fitness,BR\n",
    )
    _run(capsys, "import", str(source))

    code, _, err = _run(capsys, "block", "@ana")
    assert code == 2
    assert err == "segbot: @ana is in the catalog on instagram, tiktok; add --platform to say which one.\n"

    code, out, _ = _run(capsys, "block", "@ANA", "--platform", "tiktok")
    assert (code, out) == (0, "Blocked @ana on tiktok in workspace local: it will never be suggested.\n")
    code, out, _ = _run(capsys, "pin", "ana", "--platform", "instagram")
    assert out.startswith("Pinned @ana on instagram")
    listed = {row["platform"]: row["choice"] for row in json.loads(_run(capsys, "list", "--format", "json")[1])}
    assert listed == {"instagram": "pinned", "tiktok": "blocked"}

    assert _run(capsys, "unblock", "ana", "--platform", "tiktok")[1] == "Unblocked @ana on tiktok in workspace local.\n"
    assert "was not blocked" in _run(capsys, "unblock", "ana", "--platform", "tiktok")[1]
    assert _run(capsys, "unpin", "ana", "--platform", "instagram")[1].startswith("Unpinned @ana on instagram")

    code, _, err = _run(capsys, "pin", "nobody")
    assert code == 2
    assert "No creator @nobody" in err


@pytest.mark.parametrize("action", ["pin", "unpin", "block", "unblock"])
def test_a_mistyped_handle_gets_the_nearest_known_one(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(
        tmp_path / "chefs.csv",
        "platform,handle,followers,topics\ninstagram,mr_chef,10k,Food\ntiktok,mrs_chef,20k,Food\ninstagram,zed,5k,Music\n",
    )
    _run(capsys, "import", str(source))

    code, _, err = _run(capsys, action, "mr_chf")
    assert (code, err) == (2, "segbot: No creator @mr_chf in this workspace's catalog; did you mean @mr_chef?\n")
    code, _, err = _run(capsys, action, "@MR_CHF", "--platform", "tiktok")
    assert err == "segbot: No creator @mr_chf on tiktok in this workspace's catalog; did you mean @mrs_chef?\n"
    code, _, err = _run(capsys, action, "nobody")
    assert err == "segbot: No creator @nobody in this workspace's catalog; check `segbot influencers list`.\n"


def test_segment_with_influencers_puts_suggestions_under_each_segment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample audience's first 600 rows: what is checked (suggestions per segment, a blocked creator left out)
    # does not depend on the size, and three runs of all 3,000 rows cost about 15 CPU seconds.
    lines = SAMPLE_PATH.with_name("sample_audience.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    audience = _write(tmp_path / "audience.csv", "".join(lines[:601]))
    assert main(["segment", str(audience), "--influencers", "2", "--format", "json"]) == 0
    without_catalog = json.loads(capsys.readouterr().out)
    assert all(segment["influencers"] == [] for segment in without_catalog["segments"])

    _run(capsys, "import", str(SAMPLE_PATH))
    assert main(["segment", str(audience), "--influencers", "2", "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)["segments"][0]["influencers"][0]
    assert _run(capsys, "block", first["handle"], "--platform", first["platform"])[0] == 0
    assert main(["segment", str(audience), "--influencers", "2", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)

    for segment in summary["segments"]:
        assert len(segment["influencers"]) == 2
        for suggestion in segment["influencers"]:
            assert {"platform", "handle", "score", "reasons", "flags"} <= suggestion.keys()
            assert suggestion["reasons"]
            assert (suggestion["platform"], suggestion["handle"]) != (first["platform"], first["handle"])


def test_export_to_a_folder_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "import", str(SAMPLE_PATH))[0] == 0
    folder = tmp_path / "exports"
    folder.mkdir()

    code, out, err = _run(capsys, "export", str(folder))

    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        f"segbot: {folder} is a folder; give the path of a file to write (e.g. a name inside that folder)."
    ]
    assert list(folder.iterdir()) == []


def test_a_negative_limit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["influencers", "list", "--limit", "-1"])
    assert stopped.value.code == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .splitlines()[-1]
        .endswith("argument --limit: '-1' is not a number of creators; use 0 (all) or more")
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "segbot: The file is empty; upload the CSV or Excel export that holds your table."),
        (
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "segbot: The file is an image (PNG), not a table; upload the CSV or .xlsx export instead.",
        ),
    ],
)
def test_an_unreadable_catalog_is_not_called_an_audience(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    source = tmp_path / "creators.csv"
    source.write_bytes(content)
    code, out, err = _run(capsys, "import", str(source))
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [expected]


EXPORTS = Path(__file__).resolve().parents[1] / "catalog" / "exports"


def test_import_names_every_column_read_and_ignored_and_the_workspace_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "import", str(EXPORTS / "07_agency_roster.csv"))

    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "Imported 07_agency_roster.csv into workspace local: 3 added, 0 updated, 0 rejected (3 rows).",
        "Workspace local now holds 3 creators.",
    ]
    assert "Columns read:" in lines and "Columns ignored:" in lines
    assert "  Audience Size → followers" in lines
    assert "  Female Audience % → audience female share" in lines
    assert "  Notes — not a field Segbot reads (use --map to read it as one)" in lines
    assert "  Rate Card (USD) → price" in lines


def test_map_reads_a_column_recognition_missed_and_bad_choices_say_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXPORTS / "12_french_youtube.csv"
    code, _, err = _run(capsys, "import", str(path))
    assert code == 2 and "--map handle=" in err

    code, out, _ = _run(capsys, "import", str(path), "--map", "handle=Chaîne YouTube", "--map", "topics=Vertical")
    assert code == 0
    assert "  Chaîne YouTube → handle (set with --map)" in out
    assert "  Subscribers (K) → followers, in thousands (1,250 is read as 1,250,000)" in out
    code, out, _ = _run(capsys, "list", "--format", "json")
    followers = {row["handle"]: row["followers"] for row in json.loads(out)}
    assert followers == {"cuisinedemarie": 1_250_000, "velopaul": 86_500, "petitgeek": 12_400_000}

    code, out, err = _run(capsys, "import", str(path), "--map", "handel=Chaîne YouTube")
    assert (code, out) == (2, "")
    assert err == (
        "segbot: --map 'handel' is not a catalog field (did you mean 'handle'?); the fields are "
        "audience_age, audience_country, audience_female_pct, audience_gender, avg_comments, avg_likes, "
        "avg_shares, avg_views, engagement_rate, engagements, followers, handle, name, platform, price, topics.\n"
    )
    code, _, err = _run(capsys, "import", str(path), "--map", "handle=Chaine YouTub")
    assert code == 2
    assert err == (
        "segbot: --map handle='Chaine YouTub': the file has no column 'Chaine YouTub' "
        "(did you mean 'Chaîne YouTube'?).\n"
    )


def _segment_text(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    assert main(["segment", str(path), "--influencers", "3", *args]) == 0
    out = capsys.readouterr().out
    return " ".join(out.replace("│", " ").split())  # the panels wrap lines: compare words


def test_segment_names_the_catalog_it_reads_and_says_the_truth_when_nobody_fits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knitters = tmp_path / "knitters.csv"
    rows = ["age,country,interests,spend"]
    rows += [f"{60 + n % 20},Japan,knitting|origami,{10 + n % 40}" for n in range(0, 300, 2)]
    rows += [f"{60 + n % 20},South Korea,calligraphy|tea,{60 + n % 140}" for n in range(1, 300, 2)]
    knitters.write_text("\n".join(rows) + "\n", encoding="utf-8")

    empty = _segment_text(capsys, knitters)
    assert "Influencer suggestions from the catalog of workspace local (database sqlite:" in empty
    assert ": 0 creators." in empty
    assert (
        "The catalog of workspace local is empty: import creators with `segbot influencers import PATH "
        "--workspace local`."
    ) in empty

    _run(capsys, "import", str(SAMPLE_PATH))
    text = _segment_text(capsys, knitters)
    assert "Influencer suggestions from the catalog of workspace local" in text and ": 400 creators." in text
    assert "No creator in your catalog of 400 fits this segment (closest: @" in text
    assert "while this segment is into knitting" in text
    assert "import creators" not in text

    other = _segment_text(capsys, knitters, "--workspace", "T0TEAM")
    assert "catalog of workspace T0TEAM" in other and ": 0 creators." in other


def test_a_file_without_interests_country_or_age_gets_capped_or_no_suggestions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.segmentation.audience_files import restaurant_bills

    _run(capsys, "import", str(SAMPLE_PATH))
    bills = tmp_path / "bills.csv"
    bills.write_bytes(restaurant_bills())

    text = _segment_text(capsys, bills)
    assert (
        "No influencer suggestions: they would rest on gender only (the file has no interests, country or age column)"
    ) in text
    assert "None suggested: the file gives too little to match creators on (see above)." in text
    assert not re.search(r"@\S+ score [0-9]", text)

    assert main(["segment", str(bills), "--influencers", "3", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["catalog_workspace"] == "local"
    assert data["influencer_evidence"]["signals"] == ["gender"] and data["influencer_evidence"]["withheld"]
    assert all(segment["influencers"] == [] for segment in data["segments"])

    mall = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "mall_customers" / "Mall_Customers.csv"
    if not mall.is_file():
        pytest.fail(f"the shared data sets are missing: {mall}")
    assert main(["segment", str(mall), "--influencers", "3", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    evidence = data["influencer_evidence"]
    assert evidence["signals"] == ["age", "gender"] and evidence["score_cap"] == 0.35
    assert evidence["note"] == (
        "Suggestions rest on age and gender only (the file has no interests or country column), so scores are "
        "capped at 0.35 of 1."
    )
    scores = [s["score"] for segment in data["segments"] for s in segment["influencers"]]
    assert scores and max(scores) <= 0.35


@pytest.mark.parametrize(
    ("option", "typed", "hint"),
    [("--platform", "instagam", "instagram"), ("--topic", "fitnes", "Fitness"), ("--country", "Brazl", "Brazil")],
)
def test_a_mistyped_filter_value_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], option: str, typed: str, hint: str
) -> None:
    assert _run(capsys, "import", str(SAMPLE_PATH))[0] == 0
    code, out, _ = _run(capsys, "list", option, typed)
    assert (code, out) == (0, f"No creators match those filters; did you mean {option} '{hint}'?\n")
    assert _run(capsys, "list", "--topic", "zzzzz")[1] == "No creators match those filters.\n"
