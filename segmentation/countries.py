"""Country names as people write them, turned into ISO 3166 alpha-2 codes (`US` = `USA` = `United States`)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry

# Names and abbreviations that pycountry's own lookup does not know, in the folded form of `_fold`.
_ALIASES: dict[str, str] = {
    "us": "US",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "the united states": "US",
    "estados unidos": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom": "GB",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "taiwan": "TW",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "czechia": "CZ",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "holland": "NL",
    "the netherlands": "NL",
    "brasil": "BR",
    "deutschland": "DE",
    "espana": "ES",
    "mexico": "MX",
    "macedonia": "MK",
    "palestine": "PS",
    "vatican": "VA",
    "micronesia": "FM",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "east timor": "TL",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "congo": "CG",
    "hong kong": "HK",
    "macau": "MO",
    "kosovo": "XK",
    "ksa": "SA",
    # The World Bank's way of writing some names, which gapminder keeps ("Korea, Dem. Rep.").
    "korea dem rep": "KP",
    "korea rep": "KR",
    "congo dem rep": "CD",
    "congo rep": "CG",
    "yemen rep": "YE",
    "hong kong china": "HK",
    "west bank and gaza": "PS",
    "egypt arab rep": "EG",
    "iran islamic rep": "IR",
    "venezuela rb": "VE",
    "gambia the": "GM",
    "bahamas the": "BS",
    "lao pdr": "LA",
    "kyrgyz republic": "KG",
    "micronesia fed sts": "FM",
    # Names in the country's own language, as local creator tools export them.
    "osterreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "italia": "IT",
    "nederland": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "polska": "PL",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "eire": "IE",
    "hellas": "GR",
    "ellada": "GR",
    "magyarorszag": "HU",
    "cesko": "CZ",
    "nihon": "JP",
    "nippon": "JP",
    "zhongguo": "CN",
    "bharat": "IN",
    "turkiye cumhuriyeti": "TR",
    "allemagne": "DE",
    "espagne": "ES",
    "etats unis": "US",
    "royaume uni": "GB",
    "alemania": "DE",
    "reino unido": "GB",
    "francia": "FR",
    "frankreich": "FR",
    "spanien": "ES",
    "grossbritannien": "GB",
}

_KOSOVO_NAME = "Kosovo"
# Placeholders for a missing value. "NA" is read as missing, not as Namibia: exports write NA for blanks far
# more often than anyone writes Namibia's two-letter code (`Namibia` and `NAM` still work).
_MISSING = {"na", "n a", "nan", "none", "null", "unknown", "not specified", "other", "tbd"}


def _fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces collapsed."""
    text = _repair_mojibake(text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in ascii_only.lower())
    return " ".join(cleaned.split())


def _repair_mojibake(text: str) -> str:
    """UTF-8 that was decoded as Latin-1 somewhere upstream (`CÃ´te d'Ivoire`)."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO alpha-2 code for a country name, alias or ISO code (any case); None when it is not a country."""
    folded = _fold(value)
    if not folded or folded in _MISSING:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    compact = folded.replace(" ", "")
    if len(compact) == 2:
        found = pycountry.countries.get(alpha_2=compact.upper())
        return found.alpha_2 if found else None
    if len(compact) == 3:
        found = pycountry.countries.get(alpha_3=compact.upper())
        if found:
            return str(found.alpha_2)
    try:
        return str(pycountry.countries.lookup(_repair_mojibake(value).strip()).alpha_2)
    except LookupError:
        pass
    for country in pycountry.countries:
        names = (country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""))
        if any(name and _fold(name) == folded for name in names):
            return str(country.alpha_2)
    return None


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """A readable English name for an alpha-2 code (`US` -> `United States`)."""
    if code == "XK":
        return _KOSOVO_NAME
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)
