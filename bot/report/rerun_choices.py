"""The value and outcome menus of the re-run modal: their options from a run's columns, and the choice back.

An option's value is `auto` (found automatically), `none`, or `c<position>` of the column in the run's stored
column roles, so a long column name never meets Block Kit's 150-character limit on option values; the
submission is read back against the same stored run (`chosen_value`, `chosen_outcomes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.report.limits import shorten
from segmentation.result import ColumnRole, SegmentationResult

AUTO = "auto"
NONE = "none"
OPTION_TEXT = 75  # Block Kit's limit on an option's text
MAX_OPTIONS = 100  # Block Kit's limit on a select menu's options


class ChoiceError(ValueError):
    """A submitted menu choice that does not name a column of the run; the message is for the user."""


@dataclass(frozen=True)
class MenuOption:
    text: str
    value: str


@dataclass(frozen=True)
class ColumnMenu:
    """One select menu: every option, and the ones selected when the modal opens."""

    options: tuple[MenuOption, ...]
    initial: tuple[MenuOption, ...]
    listed_all: bool  # False: the file has more columns of the kind than a menu holds


def value_menu(result: SegmentationResult, chosen: str | Literal[False] | None) -> ColumnMenu:
    """Numeric columns; `chosen` is the run's choice (None: found automatically, False: none)."""
    found = result.value_column or "none in this file"
    auto = MenuOption(_text(f"Found automatically: {found}" if chosen is None else "Find automatically"), AUTO)
    none = MenuOption("None: rank by outcome, else by size", NONE)
    columns, listed_all = _column_options(result.columns, _is_value_candidate)
    if chosen is None:
        initial = auto
    elif chosen is False:
        initial = none
    else:
        initial = next((o for o in columns if _name(result, o.value) == chosen), auto)
    return ColumnMenu((auto, none, *columns), (initial,), listed_all)


def outcome_menu(result: SegmentationResult, chosen: Sequence[str] | None) -> ColumnMenu:
    """Yes/no columns; `chosen` is the run's choice (None: found automatically, empty: none)."""
    found = ", ".join(result.outcome_columns) or "none in this file"
    auto = MenuOption(_text(f"Found automatically: {found}" if chosen is None else "Find automatically"), AUTO)
    none = MenuOption("None: compare segments on no outcome", NONE)
    columns, listed_all = _column_options(result.columns, lambda role: role.role == "boolean")
    if chosen is None:
        initial: tuple[MenuOption, ...] = (auto,)
    elif not chosen:
        initial = (none,)
    else:
        initial = tuple(o for o in columns if _name(result, o.value) in chosen) or (auto,)
    return ColumnMenu((auto, none, *columns), initial, listed_all)


def chosen_value(result: SegmentationResult, option: str) -> str | Literal[False] | None:
    """The value column a submitted option names: None for found automatically, False for none."""
    if option == AUTO:
        return None
    if option == NONE:
        return False
    name = _name(result, option)
    if name is None or not _is_value_candidate(result.columns[int(option[1:])]):
        raise ChoiceError("That value column is not a numeric column of this run; open the re-run form again.")
    return name


def outcome_options_problem(options: Sequence[str]) -> str | None:
    """The sentence for outcome options that cannot go together (checked before the run is read); None if fine."""
    if not options:
        return "Choose Found automatically, None, or one or more yes/no columns."
    if len(options) > 1 and (AUTO in options or NONE in options):
        return "Choose Found automatically, None, or yes/no columns, not a mix of them."
    return None


def chosen_outcomes(result: SegmentationResult, options: Sequence[str]) -> tuple[str, ...] | None:
    """The outcome columns submitted options name: None for found automatically, () for none."""
    problem = outcome_options_problem(options)
    if problem is not None:
        raise ChoiceError(problem)
    if options[0] in (AUTO, NONE):
        return None if options[0] == AUTO else ()
    names = []
    for option in options:
        name = _name(result, option)
        if name is None or result.columns[int(option[1:])].role != "boolean":
            raise ChoiceError("That outcome is not a yes/no column of this run; open the re-run form again.")
        names.append(name)
    return tuple(names)


def _column_options(
    roles: Sequence[ColumnRole], keep: Callable[[ColumnRole], bool]
) -> tuple[tuple[MenuOption, ...], bool]:
    found = [MenuOption(_text(role.name), f"c{position}") for position, role in enumerate(roles) if keep(role)]
    room = MAX_OPTIONS - 2
    return tuple(found[:room]), len(found) <= room


def _is_value_candidate(role: ColumnRole) -> bool:
    return role.role == "numeric" and role.semantic != "outcome"


def _name(result: SegmentationResult, option: str) -> str | None:
    if not option.startswith("c") or not option[1:].isdigit() or int(option[1:]) >= len(result.columns):
        return None
    return result.columns[int(option[1:])].name


def _text(text: str) -> str:
    return shorten(text, OPTION_TEXT)
