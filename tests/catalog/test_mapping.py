"""`--map field=Column`: parsed, checked against the file, and one sentence with "did you mean" when wrong."""

from __future__ import annotations

import pytest

from bot.catalog.mapping import ColumnMappingError, check_mapping, parse_mapping
from bot.catalog.reading import read_catalog

HEADERS = ["Name", "Instagram Handle", "Followers (K)", "Reach", "ER %"]


def test_choices_become_fields_with_aliases_quotes_and_blanks() -> None:
    assert parse_mapping(['followers="Followers (K)"', "country=", " er = ER % ", ""]) == {
        "followers": "Followers (K)",
        "audience_country": None,
        "engagement_rate": "ER %",
    }


@pytest.mark.parametrize(
    ("choice", "sentence"),
    [
        ("folowers=Reach", "--map 'folowers' is not a catalog field (did you mean 'followers'?)"),
        ("followers", "--map 'followers' needs the form field=Column"),
    ],
)
def test_a_bad_field_is_one_sentence_with_the_closest_name(choice: str, sentence: str) -> None:
    with pytest.raises(ColumnMappingError) as raised:
        parse_mapping([choice])
    assert str(raised.value).startswith(sentence)
    assert str(raised.value).count(". ") == 0 and str(raised.value).endswith(".")


def test_an_unknown_column_names_the_closest_header() -> None:
    with pytest.raises(ColumnMappingError, match=r"no column 'Folowers \(K\)' \(did you mean 'Followers \(K\)'\?\)"):
        check_mapping(parse_mapping(["followers=Folowers (K)"]), HEADERS)
    with pytest.raises(ColumnMappingError, match="gives the column 'Reach' to two fields"):
        check_mapping(parse_mapping(["followers=Reach", "name=reach"]), HEADERS)
    assert check_mapping({"followers": "followers (k)"}, HEADERS) == {"followers": "Followers (K)"}


def test_a_mapped_column_replaces_the_recognised_one_and_keeps_its_unit() -> None:
    data = b'Name,Instagram Handle,Followers (K),Reach,ER %\nAna,ana,"1,250",90000,2\n'
    recognised = read_catalog(data)
    assert recognised.entries[0].followers == 1_250_000
    mapped = read_catalog(data, mapping=parse_mapping(["followers=Reach"]))
    assert mapped.entries[0].followers == 90_000
    uses = {use.column: (use.field, use.note) for use in mapped.uses}
    assert uses["Reach"] == ("followers", "followers (set with --map)")
    assert uses["Followers (K)"][0] is None and "followers comes from Reach" in uses["Followers (K)"][1]
    unit = read_catalog(data, mapping=parse_mapping(['followers="Followers (K)"']))
    assert unit.entries[0].followers == 1_250_000


def test_a_field_mapped_to_nothing_reads_no_column() -> None:
    data = b"handle,followers,country\nana,1000,Atlantis\n"
    assert read_catalog(data, platform="instagram").rejected[0].reason == "audience country 'Atlantis' is not a country"
    reading = read_catalog(data, platform="instagram", mapping=parse_mapping(["country="]))
    assert reading.entries[0].audience_country is None
    assert {use.column: use.note for use in reading.uses}["country"] == "left out by --map"
