"""The name a user probably meant: "did you mean" for a mistyped column, option, command or creator handle.

One rule everywhere Segbot suggests a name: case does not count ("AGE" means age), and a name is suggested when
difflib's similarity ratio with the typo reaches the cutoff. Pure and light (difflib only), so the command
line's parser can use it without loading the engine.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# How alike a typo and a column name must be (difflib's ratio): 0.5 finds 'agee' -> 'age', 'emial' -> 'email'.
COLUMN_CUTOFF = 0.5
# Names a person chose (datasets) and catalog values (platforms, topics, countries): difflib's default, 0.6.
NAME_CUTOFF = 0.6


def closest_name(word: str, names: Iterable[str], *, cutoff: float = COLUMN_CUTOFF) -> str | None:
    """The name in `names` most like `word`, ignoring case, as spelled in `names`; None when none is close enough.

    When two names differ only in case, the first one given is suggested."""
    by_case: dict[str, str] = {}
    for name in names:
        by_case.setdefault(name.lower(), name)
    found = difflib.get_close_matches(word.lower(), list(by_case), n=1, cutoff=cutoff)
    return by_case[found[0]] if found else None
