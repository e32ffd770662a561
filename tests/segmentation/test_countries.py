"""Country names as people write them, reduced to ISO codes."""

from __future__ import annotations

import pytest

from segmentation.countries import country_code, country_name


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("US", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("united states of america", "US"),
        ("U.S.", "US"),
        ("Brasil", "BR"),
        ("Brazil", "BR"),
        ("BR", "BR"),
        ("BRA", "BR"),
        ("  brazil ", "BR"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Deutschland", "DE"),
        ("México", "MX"),
        ("Côte d'Ivoire", "CI"),
        ("CÃ´te d'Ivoire", "CI"),
        ("South Korea", "KR"),
        ("Czechia", "CZ"),
        ("Viet Nam", "VN"),
    ],
)
def test_country_spellings(value: str, code: str) -> None:
    assert country_code(value) == code


@pytest.mark.parametrize("value", ["", "Atlantis", "n/a", "ZZ", "12"])
def test_values_that_are_not_countries(value: str) -> None:
    assert country_code(value) is None


def test_country_names() -> None:
    assert country_name("US") == "United States"
    assert country_name("BR") == "Brazil"
    assert country_name("XK") == "Kosovo"
    assert country_name("ZZ") == "ZZ"


@pytest.mark.parametrize("value", ["NA", "N/A", "unknown", "None"])
def test_missing_value_placeholders_are_not_countries(value: str) -> None:
    assert country_code(value) is None


def test_namibia_is_still_found_by_its_name() -> None:
    assert country_code("Namibia") == "NA"
    assert country_code("NAM") == "NA"
