"""read_table on every export format users send, on broken input, and on the real files in ../shared/datasets."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from segmentation import reading
from segmentation.errors import UnreadableFileError
from segmentation.reading import read_table, unique_names
from segmentation.values import parse_dates, parse_numbers


class OneWayStream(io.RawIOBase):
    """A socket-like upload: no seek, records every read so tests can see the file is read once."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.requests: list[int] = []
        self.delivered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.requests.append(len(buffer))
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.delivered += len(chunk)
        return len(chunk)

    def seekable(self) -> bool:
        return False


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.create_sheet("Other").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assert_text(column: pd.Series) -> None:
    assert pd.api.types.is_string_dtype(column.dtype)


# --- formats -------------------------------------------------------------------------------------------------


def test_bytes_bytearray_memoryview_and_file_objects_read_the_same() -> None:
    data = b"a,b\n1,x\n2,y\n"
    frames = [read_table(source) for source in (data, bytearray(data), memoryview(data), io.BytesIO(data))]
    for frame in frames:
        pd.testing.assert_frame_equal(frame, frames[0])
    assert frames[0]["b"].tolist() == ["x", "y"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    lines = ["name,age,city", "Ann,34,Paris", "Bob,41,Lyon", "Cy,29,Nice"]
    frame = read_table("\n".join(line.replace(",", delimiter) for line in lines).encode())
    assert list(frame.columns) == ["name", "age", "city"]
    assert frame["age"].tolist() == [34, 41, 29]
    assert pd.api.types.is_integer_dtype(frame["age"])
    assert_text(frame["city"])
    assert frame.attrs["delimiter"] == delimiter


def test_european_semicolon_file_with_decimal_comma() -> None:
    data = "Kunde;Umsatz;Rabatt;Ort\nA;1.234,50;0,5;Köln\nB;12,75;1,25;Bonn\nC;3.000,00;0;Ulm\n".encode("cp1252")
    frame = read_table(data)
    assert frame["Umsatz"].tolist() == [1234.5, 12.75, 3000.0]
    assert frame["Rabatt"].tolist() == [0.5, 1.25, 0.0]
    assert frame["Ort"].tolist() == ["Köln", "Bonn", "Ulm"]
    assert frame.attrs["decimal_comma"] is True
    assert frame.attrs["encoding"] == "cp1252"


def test_semicolon_file_with_dot_decimals_keeps_them() -> None:
    frame = read_table(b"a;b\n1.5;x\n2.25;y\n1000;z\n")
    assert frame["a"].tolist() == [1.5, 2.25, 1000.0]
    assert frame.attrs["decimal_comma"] is False


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le")],
)
def test_unicode_encodings(encoding: str, expected: str) -> None:
    frame = read_table("name,score\nZoë,1\n東京,2\nJosé 🎉,3\n".encode(encoding))
    assert list(frame.columns) == ["name", "score"]
    assert frame["name"].tolist() == ["Zoë", "東京", "José 🎉"]
    assert frame.attrs["encoding"] == expected


def test_cp1252_and_latin1_fallbacks() -> None:
    cp1252 = read_table("name,price\nCafé,€5\nNaïve,€6\n".encode("cp1252"))
    assert cp1252["name"].tolist() == ["Café", "Naïve"] and cp1252["price"].tolist() == ["€5", "€6"]
    latin1 = read_table(b"name,code\nA\x8d,1\nB\xe9,2\n")  # 0x8d is undefined in cp1252
    assert latin1.attrs["encoding"] == "latin-1"
    assert latin1["name"].tolist() == ["A\x8d", "Bé"]


def test_crlf_and_quoted_fields_with_commas_and_newlines() -> None:
    data = (
        b'id,"Name, full","Notes\r\n(free)",amount\r\n'
        b'1,"Smith, Ann","line one\r\nline two",10\r\n'
        b'2,"O""Brien, Bo","",20\r\n'
        b"3,Cy,plain,30\r\n"
    )
    frame = read_table(data)
    assert list(frame.columns) == ["id", "Name, full", "Notes (free)", "amount"]
    assert frame["Name, full"].tolist() == ["Smith, Ann", 'O"Brien, Bo', "Cy"]
    assert frame["Notes (free)"].iloc[0] == "line one\r\nline two"
    assert pd.isna(frame["Notes (free)"].iloc[1])
    assert frame["amount"].tolist() == [10, 20, 30]


def test_title_lines_above_the_header_are_skipped() -> None:
    data = (
        b"Customer export\r\nGenerated 2024-03-05, by Ann\r\n\r\nid,name,spend\r\n1,Ann,10\r\n2,Bob,20\r\n3,Cy,30\r\n"
    )
    frame = read_table(data)
    assert list(frame.columns) == ["id", "name", "spend"]
    assert frame["spend"].tolist() == [10, 20, 30]
    sheet = read_table(xlsx([["Quarterly audience"], [], ["id", "name", None, "spend"], [1, "Ann", None, 10]]))
    assert list(sheet.columns) == ["id", "name", "spend"] and sheet["spend"].tolist() == [10]


def test_a_header_narrower_than_its_rows_is_not_skipped() -> None:
    with pytest.raises(UnreadableFileError, match="lines have different numbers of fields"):
        read_table(b"a,b,c\n1,2,3,4\n5,6,7,8\n9,10,11,12\n")


def test_excel_separator_hint_line() -> None:
    frame = read_table(b"sep=;\r\nname;score\r\nAnn;1,5\r\nBob;2\r\n")
    assert list(frame.columns) == ["name", "score"]
    assert frame["score"].tolist() == [1.5, 2.0]


def test_text_that_starts_like_a_magic_number_is_still_text() -> None:
    assert read_table(b"BMI,age\n22.5,30\n24.1,41\n")["BMI"].tolist() == [22.5, 24.1]
    with pytest.raises(TypeError, match="binary file object"):
        read_table(io.StringIO("a,b\n1,2\n"))  # type: ignore[arg-type]


def test_markup_inside_cells_is_just_text() -> None:
    frame = read_table(b"<b>name</b>,html\nAnn,<html><body>hi</body></html>\nBob,<p>x</p>\n")
    assert frame["html"].tolist() == ["<html><body>hi</body></html>", "<p>x</p>"]


def test_gzip_is_detected_by_magic_bytes() -> None:
    data = gzip.compress(b"city;amount\nParis;1,5\nLyon;2,5\n")
    frame = read_table(data)
    assert frame["amount"].tolist() == [1.5, 2.5]
    assert read_table(OneWayStream(data))["city"].tolist() == ["Paris", "Lyon"]  # type: ignore[arg-type]


def test_xlsx_first_sheet() -> None:
    data = xlsx(
        [
            [" Name ", "Age", "Age", None, "Joined"],
            ["Ann", 34, 35, None, pd.Timestamp("2024-03-05").to_pydatetime()],
            ["Bob", "NA", 41, None, pd.Timestamp("2023-01-02").to_pydatetime()],
            ["Cy", 29, None, None, None],
        ]
    )
    frame = read_table(data)
    assert list(frame.columns) == ["Name", "Age", "Age (2)", "Joined"]
    assert frame["Name"].tolist() == ["Ann", "Bob", "Cy"]
    assert_text(frame["Name"])
    np.testing.assert_array_equal(frame["Age"].to_numpy(dtype=float), [34.0, np.nan, 29.0])
    assert pd.api.types.is_numeric_dtype(frame["Age"])
    assert frame["Age (2)"].tolist()[:2] == [35, 41]
    assert pd.api.types.is_datetime64_any_dtype(frame["Joined"])
    assert frame["Joined"].iloc[0] == pd.Timestamp("2024-03-05")
    assert frame.attrs["format"] == "xlsx"
    assert read_table(OneWayStream(data))["Name"].tolist() == ["Ann", "Bob", "Cy"]  # type: ignore[arg-type]


def test_duplicate_and_untidy_header_names() -> None:
    frame = read_table(b'Followers,Followers,"Followers (2)"," Country \r","\nViews",,Views\n1,2,3,US,4,,5\n')
    assert list(frame.columns) == ["Followers", "Followers (3)", "Followers (2)", "Country", "Views", "Views (2)"]
    assert frame.iloc[0].tolist() == [1, 2, 3, "US", 4, 5]
    assert unique_names(["a", "a", "", None, "a"]) == ["a", "a (2)", "Column 3", "Column 4", "a (3)"]


def test_blank_named_column_with_values_is_kept() -> None:
    frame = read_table(b"a,,b\n1,x,2\n3,y,4\n")
    assert list(frame.columns) == ["a", "Column 2", "b"]


@pytest.mark.parametrize(
    "token", ["", "NA", "N/A", "n/a", "null", "NULL", "None", "nan", "NaN", "-", "#N/A", "?", "  NA ", "#VALUE!"]
)
def test_missing_value_tokens(token: str) -> None:
    frame = read_table(f"amount,label\n1,a\n{token},{token}\n3,c\n".encode())
    assert pd.api.types.is_float_dtype(frame["amount"])
    assert frame["amount"].isna().tolist() == [False, True, False]
    assert frame["label"].isna().tolist() == [False, True, False]
    assert_text(frame["label"])


def test_text_is_stripped_and_numbers_stay_numeric() -> None:
    frame = read_table(b"g,n,big\n Male ,1, 2.5e3\nFemale,2,1e-2\nMale,3,7\n")
    assert frame["g"].tolist() == ["Male", "Female", "Male"]
    assert frame["big"].tolist() == [2500.0, 0.01, 7.0]
    assert pd.api.types.is_integer_dtype(frame["n"])


@pytest.mark.parametrize("late", [" user4321@example.com ", "N/A"])
def test_a_column_of_distinct_cells_is_tidied_down_to_its_last_row(late: str) -> None:
    """Emails or ids (mostly distinct cells) are checked whole, not by their first rows: one late cell counts."""
    emails = [f"user{row}@example.com" for row in range(5000)]
    emails[4321] = late
    frame = read_table(("email,n\n" + "".join(f"{email},{row % 7}\n" for row, email in enumerate(emails))).encode())
    tidy = frame["email"].tolist()
    assert tidy[4321] == "user4321@example.com" if late.strip() != "N/A" else pd.isna(tidy[4321])
    assert tidy[:3] == ["user0@example.com", "user1@example.com", "user2@example.com"]


def test_an_id_column_stays_text_when_a_cell_needs_tidying() -> None:
    """Numeric ids with one "N/A" or padded cell far down were made numbers (1.0, 2.0) in every export."""
    rows = [f"{row:05d},{row % 7}" for row in range(1, 3001)]
    rows[2000], rows[2500] = "N/A,1", " 02501 ,2"
    frame = read_table(("customer_id,n\n" + "\n".join(rows) + "\n").encode())
    ids = frame["customer_id"]
    assert pd.api.types.is_string_dtype(ids) and ids.iloc[0] == "00001" and ids.iloc[2500] == "02501"
    assert pd.isna(ids.iloc[2000]) and pd.api.types.is_integer_dtype(frame["n"])


def test_rows_with_fewer_fields_are_padded_with_missing() -> None:
    frame = read_table(b"a,b,c\n1,2,3\n4,5\n6,7,8\n")
    assert frame["c"].isna().tolist() == [False, True, False]


def test_dataframe_input_is_cleaned_copy() -> None:
    original = pd.DataFrame(
        [[1, " x ", "NA"], [2, "y", "3"], [3, "N/A", "4"]], columns=["id", "id", " label\n"], dtype=object
    )
    frame = read_table(original)
    assert list(frame.columns) == ["id", "id (2)", "label"]
    assert frame["id (2)"].tolist()[:2] == ["x", "y"] and pd.isna(frame["id (2)"].iloc[2])
    assert frame["label"].tolist()[1:] == [3.0, 4.0] and pd.isna(frame["label"].iloc[0])
    assert pd.api.types.is_integer_dtype(frame["id"])
    assert list(original.columns) == ["id", "id", " label\n"] and original.iloc[0, 1] == " x "
    assert list(read_table(original.set_axis([5, 6, 7])).index) == [0, 1, 2]


def test_large_file_object_is_streamed_once() -> None:
    rows = 120_000
    body = "".join(f"{i},{i % 7 * 1.5},{'abc'[i % 3]}\n" for i in range(rows))
    data = ("id,amount,kind\n" + body).encode()
    assert len(data) > 2 * reading.HEAD_BYTES
    stream = OneWayStream(data)
    frame = read_table(stream)  # type: ignore[arg-type]
    assert frame.shape == (rows, 3)
    assert frame["amount"].iloc[-1] == (rows - 1) % 7 * 1.5
    assert frame["kind"].iloc[rows - 1] == "abc"[(rows - 1) % 3]
    assert stream.delivered == len(data)
    assert max(stream.requests) <= 2 * 1024 * 1024


def test_invalid_utf8_after_the_head() -> None:
    data = b"name,n\n" + b"ab,1\n" * (reading.HEAD_BYTES // 5 + 10) + b"caf\xe9,2\n"
    frame = read_table(io.BytesIO(data))
    assert frame["name"].iloc[-1] == "café" and frame["n"].iloc[-1] == 2
    assert frame.attrs["encoding"] == "cp1252"  # an ASCII head then a Windows accent: the file is cp1252
    mixed = "name,n\nZoë,0\n".encode() + data[7:]
    frame = read_table(io.BytesIO(mixed))
    assert frame["name"].iloc[0] == "Zoë" and frame["name"].iloc[-1] == "caf\ufffd"
    with pytest.raises(UnreadableFileError, match="mixes text encodings"):
        read_table(OneWayStream(data))  # type: ignore[arg-type]


# --- broken input --------------------------------------------------------------------------------------------


def zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


RANDOM_ROWS = "".join(f"{a},{b}\n" for a, b in np.random.default_rng(0).integers(0, 10**6, (4_000, 2))).encode()
BROKEN = {
    "empty": (b"", reading.EMPTY),
    "blank lines": (b"\r\n  \n\n", reading.EMPTY),
    "bom only": (b"\xef\xbb\xbf", reading.EMPTY),
    "header only": (b"name,age,city\r\n", reading.HEADER_ONLY),
    "header and blank lines": (b"name,age\n\n\n", reading.HEADER_ONLY),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), reading.IMAGE.format(kind="PNG")),
    "bmp": (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00" + b"\xff" * 64, reading.IMAGE.format(kind="BMP")),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64), reading.IMAGE.format(kind="JPEG")),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", reading.PDF),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), reading.OLD_OFFICE),
    "parquet": (b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12\x00\x00" + bytes(64) + b"PAR1", reading.PARQUET),
    "nul bytes": (b"name,age\nAnn\x00\x00\x01\x02,3\n" + bytes(range(256)), reading.BINARY),
    "zip of a csv": (zip_of("export.csv", b"a,b\n1,2\n"), reading.ZIP_NOT_XLSX),
    "xlsb": (zip_of("xl/workbook.bin", b"\x83\x01"), reading.XLSB),
    "ods": (zip_of("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), reading.OPEN_DOCUMENT),
    "damaged zip": (b"PK\x03\x04" + b"garbage" * 20, reading.BAD_ZIP),
    "damaged xlsx": (zip_of("xl/workbook.xml", b"<not xml"), reading.BAD_XLSX),
    "damaged gzip": (b"\x1f\x8b\x08\x00" + b"garbage" * 20, reading.BAD_GZIP),
    "truncated gzip": (gzip.compress(b"a,b\n" + RANDOM_ROWS)[:2_000], reading.BAD_GZIP),
    "truncated gzip past the head": (gzip.compress(b"a,b\n" + RANDOM_ROWS * 30)[:-100], reading.BAD_GZIP),
    "html doctype": (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>...", reading.HTML),
    "html login page": (b"\n  <html lang='en'>\n<form action='/login'>Password</form></html>", reading.HTML),
    "xhtml": (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', reading.HTML),
    "json records": (b'[\n  {"name": "Ann", "age": 34},\n  {"name": "Bob", "age": 41}\n]\n', reading.JSON),
    "json object": (b'{"data": [[1, 2], [3, 4]]}', reading.JSON),
    "ragged prose": (
        b"Dear team,\nplease find the numbers below, as discussed, and tell me\nwhat you think.\n"
        b"Thanks, Ann, Bob, and, Cy\nbye\n",
        reading.RAGGED,
    ),
    "space separated": (
        b"age  income city\n23 40000 Paris\n35  52000 Lyon\n41 61000 Paris\n",
        reading.SPACE_SEPARATED.format(width=3, header="age, income, city"),
    ),
    "fixed width with spaces inside values": (
        b"name      city         age  spend\nAnn Lee   New York     34   35.38\nDi Fox    Los Angeles  59   113.88\n"
        b"Bob Ray   Rome         41   80\n",
        reading.SPACE_SEPARATED.format(width=4, header="name, city, age, ..."),
    ),
    "tab header, space-separated values with quoted names (ISLP's Auto.data)": (
        b'mpg\tcylinders\tyear\tname\n18.0   8   70\t"chevrolet chevelle malibu"\n15.0   8   70\t"buick skylark 320"\n',
        reading.SPACE_SEPARATED.format(width=4, header="mpg, cylinders, year, ..."),
    ),
    "too many fields": (
        b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,2,3\n4,5,6\n7,8,9\n1,2,3\n4,5,6\n7,8,9\n1,2,3,4,5\n",
        reading.TOO_MANY_FIELDS.format(line=11, seen=5, expected=3),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_input_gets_one_sentence(case: str) -> None:
    data, message = BROKEN[case]
    with pytest.raises(UnreadableFileError) as raised:
        read_table(data)
    assert str(raised.value) == message


def test_one_column_of_words_is_not_mistaken_for_spaces() -> None:
    """A single text column whose cells hold different numbers of words is read, not refused."""
    frame = read_table(b"customer feedback text\ngreat product\nthe delivery was late\nok\n")
    assert frame.columns.tolist() == ["customer feedback text"] and len(frame) == 3


def test_empty_xlsx_and_header_only_xlsx() -> None:
    with pytest.raises(UnreadableFileError, match="empty"):
        read_table(xlsx([]))
    with pytest.raises(UnreadableFileError, match="header row but no data rows"):
        read_table(xlsx([["a", "b"]]))


def test_every_message_is_one_plain_sentence_saying_what_to_do() -> None:
    messages = [value for name, value in vars(reading).items() if name.isupper() and isinstance(value, str)]
    messages = [message for message in messages if message not in reading.DELIMITERS and len(message) > 20]
    assert len(messages) >= 15
    for message in messages:
        assert message.endswith(".") and "\n" not in message
        assert message.count(". ") == 0, message
        assert any(word in message for word in ("upload", "export", "save", "check", "compress")), message


# --- the shared data sets ------------------------------------------------------------------------------------


def read_shared(shared_datasets: Path, relative: str) -> pd.DataFrame:
    with (shared_datasets / relative).open("rb") as handle:
        return read_table(handle)


pytestmark_shared = pytest.mark.shared_data


@pytestmark_shared
def test_wholesale_customers_semicolons_and_crlf(shared_datasets: Path) -> None:
    frame = read_shared(shared_datasets, "wholesale_customers/Wholesale customers data.csv")
    assert frame.shape == (440, 8)
    assert frame.attrs["delimiter"] == ";"
    assert list(frame.columns) == [
        "Channel", "Region", "Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen",
    ]  # fmt: skip
    assert frame.iloc[0].tolist() == [2, 3, 12669, 9656, 7561, 214, 2674, 1338]
    assert frame["Channel"].value_counts().to_dict() == {1: 298, 2: 142}
    assert all(pd.api.types.is_integer_dtype(dtype) for dtype in frame.dtypes)


@pytestmark_shared
def test_customer_personality_tabs_and_day_first_dates(shared_datasets: Path) -> None:
    frame = read_shared(shared_datasets, "customer_personality/marketing_campaign.csv")
    assert frame.shape == (2240, 29)
    assert frame.attrs["delimiter"] == "\t"
    assert frame["Income"].isna().sum() == 24
    assert frame["Income"].max() == 666666
    assert frame["Marital_Status"].value_counts()["YOLO"] == 2
    dates = parse_dates(frame["Dt_Customer"])
    assert dates.dayfirst is True and dates.parsed_share == 1.0
    assert dates.values[0] == np.datetime64("2012-09-04")
    assert dates.values.min() >= np.datetime64("2012-01-01") and dates.values.max() < np.datetime64("2015-01-01")


@pytestmark_shared
def test_mall_customers_headers_with_symbols(shared_datasets: Path) -> None:
    frame = read_shared(shared_datasets, "mall_customers/Mall_Customers.csv")
    assert frame.shape == (200, 5)
    assert list(frame.columns) == ["CustomerID", "Gender", "Age", "AnnualIncome (k$)", "SpendingScore (1-100)"]
    assert frame.iloc[3].tolist() == ["4", "Female", 23, 16, 77]  # ids stay text
    assert frame.iloc[199].tolist() == ["200", "Male", 30, 137, 83]
    assert frame["Gender"].value_counts().to_dict() == {"Female": 112, "Male": 88}


@pytestmark_shared
def test_top_instagram_influencers_bom_suffixes_and_percent(shared_datasets: Path) -> None:
    frame = read_shared(shared_datasets, "top_instagram_influencers/top_insta_influencers_data.csv")
    assert frame.shape == (200, 10)
    assert frame.attrs["encoding"] == "utf-8-sig"
    assert frame.columns[0] == "rank"
    posts, followers = parse_numbers(frame["posts"]), parse_numbers(frame["followers"])
    assert (posts.values[0], followers.values[0]) == (3300.0, 475_800_000.0)
    assert followers.unit == "suffixed" and followers.parsed_share == 1.0
    total_likes = parse_numbers(frame["total_likes"])
    assert total_likes.values[0] == pytest.approx(29.0e9)
    rate = parse_numbers(frame["60_day_eng_rate"])
    assert rate.unit == "percent" and rate.values[0] == pytest.approx(1.39)
    assert frame["country"].isna().sum() == 62


@pytestmark_shared
@pytest.mark.parametrize(
    ("name", "shape", "columns"),
    [
        (
            "social media influencers - instagram.csv",
            (1000, 11),
            ["Followers", "Followers Numbers", "Authentic engagement", "Authentic engagement Values"],
        ),
        ("social media influencers - tiktok.csv", (1000, 12), ["Subscribers count", "Subscribers count (2)"]),
        ("social media influencers - youtube.csv", (1000, 12), ["avg likes", "avg likes (2)"]),
        ("social media influencers-INSTAGRAM - -DEC 2022.csv", (1000, 12), ["followers", "followers (2)"]),
        ("social media influencers-TIKTOK - ---DEC 2022.csv", (1000, 12), ["views(avg)", "views(avg) (2)"]),
        ("social media influencers-YOUTUBE - --DEC 2022.csv", (1003, 14), ["Views (Avg.)", "Views (Avg.) (2)"]),
    ],
)
def test_social_media_influencers_duplicate_and_multiline_headers(
    shared_datasets: Path, name: str, shape: tuple[int, int], columns: list[str]
) -> None:
    frame = read_shared(shared_datasets, f"social_media_influencers_2022/{name}")
    assert frame.shape == shape
    assert set(columns) <= set(frame.columns)
    assert frame.columns.is_unique
    assert not any(character in column for column in frame.columns for character in "\r\n")
    abbreviated, exact = frame[columns[0]], frame[columns[1]]
    if pd.api.types.is_numeric_dtype(exact):
        parsed = parse_numbers(abbreviated)
        assert parsed.unit in {"suffixed", "plain"}
        both = ~np.isnan(parsed.values) & exact.notna().to_numpy()
        np.testing.assert_allclose(parsed.values[both], exact.to_numpy(dtype=float)[both], rtol=0.06)


@pytestmark_shared
def test_social_media_influencers_keep_emoji_and_spreadsheet_errors_are_missing(shared_datasets: Path) -> None:
    tiktok = read_shared(shared_datasets, "social_media_influencers_2022/social media influencers - tiktok.csv")
    names = tiktok["Tiktok name"].dropna()
    assert names.str.contains("👑").any() and tiktok["Tiktok name"].iloc[0] == "MOMO’s"
    youtube = read_shared(shared_datasets, "social_media_influencers_2022/social media influencers - youtube.csv")
    assert pd.api.types.is_numeric_dtype(youtube["avg comments (2)"])  # "#VALOR!" cells are missing
    assert pd.isna(youtube["avg comments (2)"].iloc[1]) and youtube["avg comments (2)"].iloc[0] == 290


@pytestmark_shared
def test_global_youtube_statistics_nan_literals_and_scientific_notation(shared_datasets: Path) -> None:
    frame = read_shared(shared_datasets, "global_youtube_statistics/Global YouTube Statistics.csv")
    assert frame.shape == (995, 28)
    assert frame["Country"].isna().sum() == 122
    assert frame["category"].isna().sum() == 46
    assert frame["subscribers_for_last_30_days"].isna().sum() == 337
    assert frame["video views"].iloc[0] == pytest.approx(2.28e11)
    assert pd.api.types.is_float_dtype(frame["video views"])
    assert_text(frame["Youtuber"])
    assert frame["Youtuber"].str.contains("\ufffd").sum() == 99
