"""The argument parser of `segbot`: argparse, plus "did you mean" for a mistyped command, option or choice.

    $ segbot segmnt data.csv
    segbot: error: argument COMMAND: invalid choice: 'segmnt' (choose from ...); did you mean 'segment'?
    $ segbot segment data.csv --coluns age
    segbot segment: error: unrecognized arguments: --coluns age; did you mean --columns?

Mistyped column names are the engine's to judge (it knows the file's header): see segmentation/columns.py.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

# The workspace the command line works in when no --workspace is given (Slack teams use their team id).
LOCAL_WORKSPACE = "local"

# How alike a typo and a name must be to suggest the name (difflib's ratio; 0.6 is its default).
SUGGESTION_CUTOFF = 0.6


def closest(word: str, names: Iterable[str]) -> str | None:
    """The name most like `word`, or None when nothing is close enough to be a likely typo."""
    found = difflib.get_close_matches(word, list(names), n=1, cutoff=SUGGESTION_CUTOFF)
    return found[0] if found else None


class SegbotParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors suggest the command, option or choice that was probably meant.

    Subcommand parsers are made with the same class (argparse's default), so every level suggests.
    """

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices and isinstance(value, str):
            message = f"invalid choice: {value!r} (choose from {', '.join(repr(c) for c in action.choices)})"
            guess = closest(value, (str(choice) for choice in action.choices))
            if guess is not None:
                message += f"; did you mean {guess!r}?"
            raise argparse.ArgumentError(action, message)
        super()._check_value(action, value)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self._chosen(parsed)._unrecognized(extras)
        return parsed

    def _chosen(self, parsed: argparse.Namespace) -> SegbotParser:
        """The innermost subcommand parser the arguments selected (`segbot digest subscribe` -> its parser)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, None) or "")
                if isinstance(chosen, SegbotParser):
                    return chosen._chosen(parsed)
        return self

    def _unrecognized(self, extras: list[str]) -> NoReturn:
        message = f"unrecognized arguments: {' '.join(extras)}"
        options = [name for name in self._option_string_actions if name.startswith("--")]
        hints = []
        for extra in extras:
            if extra.startswith("-") and len(extra) > 2:
                guess = closest(extra.split("=", 1)[0], options)
                if guess is not None and guess not in hints:
                    hints.append(guess)
        if hints:
            message += f"; did you mean {' or '.join(hints)}?"
        self.error(message)
