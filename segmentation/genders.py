"""Gender values as people write them (`F`, `female`, `Woman`, `w`, `non-binary`) reduced to female / male / other."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_FEMALE = {
    "f",
    "female",
    "females",
    "woman",
    "women",
    "w",
    "girl",
    "girls",
    "fem",
    "femme",
    "feminine",
    "frau",
    "weiblich",
    "mujer",
    "femenino",
    "feminino",
    "femmina",
    "lady",
    "ladies",
    "she",
    "she her",
    "trans woman",
    "transwoman",
    "trans female",
    "mtf",
}
_MALE = {
    "m",
    "male",
    "males",
    "man",
    "men",
    "boy",
    "boys",
    "masc",
    "masculine",
    "homme",
    "mann",
    "mannlich",
    "maennlich",
    "hombre",
    "masculino",
    "maschio",
    "gentleman",
    "guy",
    "he",
    "he him",
    "trans man",
    "transman",
    "trans male",
    "ftm",
}
_OTHER = {
    "other",
    "others",
    "non binary",
    "nonbinary",
    "nb",
    "enby",
    "x",
    "d",
    "diverse",
    "divers",
    "genderqueer",
    "gender queer",
    "genderfluid",
    "gender fluid",
    "agender",
    "bigender",
    "two spirit",
    "third gender",
    "intersex",
    "queer",
    "they",
    "they them",
    "gender nonconforming",
    "gender non conforming",
    "androgynous",
}


@lru_cache(maxsize=1024)
def gender_group(value: str) -> str | None:
    """ "female", "male" or "other"; None when the value says nothing (blank, unknown, prefer not to say)."""
    folded = " ".join(re.sub(r"[^a-z]+", " ", value.lower().replace("ä", "ae")).split())
    if folded in _FEMALE:
        return "female"
    if folded in _MALE:
        return "male"
    if folded in _OTHER:
        return "other"
    return None


def gender_groups(values: Sequence[str]) -> list[str | None]:
    """`gender_group` of each value."""
    return [gender_group(value) for value in values]
