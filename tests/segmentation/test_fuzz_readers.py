"""Property tests: mutated real files and numeric extremes never get past the readers or `segment()` as a crash.

Every reader (audience tables, creator catalogs) and `segment()` must either return or raise the error meant
for people (`SegmentationError`, or the catalog's `SegbotError`), with one line of text, for any input.
The seeds are real exports: Segbot's packaged samples and, when present, small files of ../shared/datasets.

How many examples: `SEGBOT_FUZZ_EXAMPLES` (default 250 for the readers, as `make test` and CI run them; `make fuzz`
runs 10,000). `segment()` takes about a second an example, so it gets one fortieth of that number (at least 5).
"""

from __future__ import annotations

import gzip
import io
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog.reading import read_catalog
from bot.errors import SegbotError
from segmentation import segment
from segmentation.errors import SegmentationError
from segmentation.limits import ReadLimits
from segmentation.reading import read_table
from tests.corpus.make_hostile import write_workbook

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "datasets"
EXAMPLES = int(os.environ.get("SEGBOT_FUZZ_EXAMPLES", "250"))
pytestmark = pytest.mark.timeout(max(300, EXAMPLES // 2))  # seconds: 1,000 examples take about a minute
# Small limits, so that mutations which grow a file meet them quickly (the real defaults are tested elsewhere).
LIMITS = ReadLimits(max_input_mb=2, max_rows=5_000, max_columns=200, max_cells=100_000, max_xlsx_cells=20_000)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("SEGBOT_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SPECIAL = [
    b'"',
    b'""',
    b"\n",
    b"\r\n",
    b"\r",
    b",",
    b";",
    b"\t",
    b"|",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xe9",
    b"sep=;\n",
    b"<html>",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b'{"a": 1}',
    b"NA",
    b"-",
    b"N/A",
    b"#N/A",
    b"   ",
]
EXTREMES = [
    b"9e307",
    b"1.7976931348623157e308",
    b"-9e307",
    b"1e309",
    b"-1e309",
    b"inf",
    b"-inf",
    b"nan",
    b"NaN",
    b"1e-320",
    b"9" * 400,
    b"-0",
    b"0x1p1023",
    b"1,000,000,000,000,000,000,000",
    b"1.000.000,5",
    b"$9e307",
    b"99999999999999999999%",
]


@cache
def seeds() -> tuple[bytes, ...]:
    """Real exports, cut to their first 120 lines (mutations matter, not size)."""
    paths = [ROOT / "bot" / "samples" / "sample_audience.csv", ROOT / "bot" / "samples" / "sample_influencers.csv"]
    for relative in (
        "mall_customers/Mall_Customers.csv",
        "wholesale_customers/Wholesale customers data.csv",
        "customer_personality/marketing_campaign.csv",
        "top_instagram_influencers/top_insta_influencers_data.csv",
        "social_media_influencers_2022/social media influencers - tiktok.csv",
        "global_youtube_statistics/Global YouTube Statistics.csv",
    ):
        if (SHARED / relative).exists():
            paths.append(SHARED / relative)
    return tuple(b"".join(path.read_bytes().splitlines(keepends=True)[:120]) for path in paths)


MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=24))),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 300)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.none()),
    st.tuples(st.just("cell"), st.floats(0, 1), st.sampled_from(EXTREMES)),
)


def mutate(data: bytes, mutations: list[tuple[str, float, object]]) -> bytes:
    for kind, where, what in mutations:
        at = int(where * len(data))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ int(what)]) + data[at + 1 :]  # type: ignore[call-overload]
        elif kind == "insert":
            data = data[:at] + bytes(what) + data[at:]  # type: ignore[call-overload]
        elif kind == "delete":
            data = data[:at] + data[at + int(what) :]  # type: ignore[call-overload]
        elif kind == "repeat":
            data = data[:at] + data[at : at + int(what)] * 3 + data[at:]  # type: ignore[call-overload]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "cell":
            data = _replace_cell(data, at, bytes(what))  # type: ignore[call-overload]
    return data


def _replace_cell(data: bytes, at: int, value: bytes) -> bytes:
    """`value` in place of the comma/tab/semicolon-separated field around byte `at`."""
    separators = b",;\t\n"
    start = max(data.rfind(bytes([sep]), 0, at) for sep in separators) + 1
    ends = [found for sep in separators if (found := data.find(bytes([sep]), at)) != -1]
    end = min(ends) if ends else len(data)
    return data[:start] + value + data[end:]


def wrap(data: bytes, container: str) -> bytes:
    if container == "gzip":
        return gzip.compress(data, compresslevel=1)
    if container == "xlsx":
        return _as_workbook(data)
    return data


def _as_workbook(data: bytes) -> bytes:
    """The CSV's lines as a sheet of inline strings and numbers (a structure-aware mutation of a workbook)."""
    rows = []
    for number, line in enumerate(data.splitlines()[:150], start=1):
        cells = []
        for column, field in enumerate(line.split(b",")[:60]):
            ref = _column_letters(column) + str(number)
            text = field.decode("utf-8", "replace").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if _is_number(field):
                cells.append(f'<c r="{ref}"><v>{text}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        rows.append(f'<row r="{number}">{"".join(cells)}</row>'.encode("utf-8", "replace"))
    out = io.BytesIO()
    write_workbook(out, rows)
    return out.getvalue()


def _is_number(field: bytes) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


FILES = st.builds(
    lambda seed, mutations, container: wrap(mutate(seed, mutations), container),
    st.integers(0, 50).map(lambda n: seeds()[n % len(seeds())]),
    st.lists(MUTATION, max_size=6),
    st.sampled_from(["plain", "plain", "plain", "gzip", "xlsx"]),
)


def _is_a_sentence(error: Exception) -> None:
    message = str(error)
    assert message and "\n" not in message.strip() and message.rstrip().endswith((".", ")")), message


@FUZZ
@given(FILES)
def test_read_table_returns_or_says_why(data: bytes) -> None:
    try:
        frame = read_table(data, limits=LIMITS)
    except SegmentationError as error:
        _is_a_sentence(error)
        return
    assert frame.shape[0] >= 1 and frame.shape[1] <= LIMITS.max_columns
    assert frame.columns.is_unique


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(FILES)
def test_read_catalog_returns_or_says_why(data: bytes) -> None:
    try:
        reading = read_catalog(data, limits=LIMITS, platform="instagram")
    except (SegmentationError, SegbotError) as error:
        _is_a_sentence(error)
        return
    assert len(reading.entries) + len(reading.rejected) == reading.rows


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([9e307, -9e307, 1.7976931348623157e308, 5e-324, 0.0, -0.0]),
    st.integers(-(10**30), 10**30),
    st.integers(0, 90),
)


@st.composite
def extreme_tables(draw: st.DrawFn) -> bytes:
    """20-40 rows: a normal age column, one or two columns of arbitrary numbers, and a category."""
    rows = draw(st.integers(20, 40))
    wild = draw(st.lists(st.lists(NUMBERS, min_size=rows, max_size=rows), min_size=1, max_size=2))
    lines = ["age," + ",".join(f"x{n}" for n in range(len(wild))) + ",country"]
    for row in range(rows):
        values = ",".join(repr(column[row]) for column in wild)
        lines.append(f"{20 + row * 7 % 50},{values},{('US', 'DE', 'FR')[row % 3]}")
    return ("\n".join(lines) + "\n").encode()


SEGMENT_EXAMPLES = max(EXAMPLES // 40, 5)


@settings(FUZZ, max_examples=SEGMENT_EXAMPLES)
@given(st.one_of(extreme_tables(), FILES.filter(lambda data: len(data) < 20_000)))
def test_segment_returns_or_says_why(data: bytes) -> None:
    try:
        result = segment(data, limits=LIMITS)
    except SegmentationError as error:
        _is_a_sentence(error)
        return
    assert len(result.labels) == result.n_rows
    assert sum(profile.size for profile in result.segments) == result.n_rows
    assert np.isfinite(result.stability)


@pytest.mark.parametrize("value", [b"9e307", b"1.7976931348623157e308", b"-9e307", b"1e309", b"inf"])
def test_regression_extreme_numbers_in_two_cells(value: bytes) -> None:
    """Found by the numeric-extremes sweep of issue 10: two such cells in a column raised ValueError."""
    rows = [b"%d,%d,%s" % (20 + n % 50, n * 13 % 400, (b"US", b"DE")[n % 2]) for n in range(40)]
    lines = [b"age,spend,country", *rows]
    lines[3] = b"33," + value + b",US"
    lines[7] = b"41," + value + b",DE"
    result = segment(b"\n".join(lines))
    assert result.n_rows == 40


def test_regression_an_integer_of_400_digits_is_a_missing_number() -> None:
    """Found by this fuzzer: a 400-digit integer cell raised OverflowError while the column was cleaned."""
    lines = [b"age,spend"] + [b"%d,%d" % (20 + n % 50, n * 13 % 400) for n in range(30)]
    lines[5] = b"30," + b"9" * 400
    frame = read_table(b"\n".join(lines))
    assert frame["spend"].isna().sum() == 1 and frame["spend"].notna().sum() == 29


def test_regression_a_first_row_wider_than_the_header_is_refused_not_cut() -> None:
    """Found by this fuzzer: pandas dropped the extra field of the first data row with only a warning."""
    with pytest.raises(SegmentationError, match="Line 2 of the file has more fields than the header's 3"):
        read_table(b"a,b,c\n1,2,3,4\n" + b"5,6,7\n" * 30)


@pytest.mark.parametrize("value", ["1e300", "9e307", "1.7976931348623157e308"])
@pytest.mark.parametrize("header", ["followers", "Followers (K)"])
def test_regression_huge_follower_counts_are_rejected_rows(header: str, value: str) -> None:
    """Found by the catalog fuzzer: 1e308 thousands overflowed to inf and int(inf) crashed the import."""
    data = f"platform,handle,{header},avg_likes,engagement_rate\ninstagram,a,{value},{value},{value}\n"
    data += "instagram,b,300,3,2\n"
    with np.errstate(over="raise", invalid="raise"):
        reading = read_catalog(data.encode())
    assert [entry.handle for entry in reading.entries] == ["b"]
    assert [rejected.row for rejected in reading.rejected] == [2]
    assert "more than any account has" in reading.rejected[0].reason
