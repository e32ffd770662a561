"""The argument parser of `segbot`: argparse, plus "did you mean" for a mistyped command, option or choice.

    $ segbot segmnt data.csv
    segbot: error: argument COMMAND: invalid choice: 'segmnt' (choose from ...); did you mean 'segment'?
    $ segbot segment data.csv --coluns age
    segbot segment: error: there is no option --coluns; did you mean --columns?
    $ segbot segment -k 4 data.csv
    segbot segment: error: there is no option -k; did you mean --k?

An option that does not exist is named before any other complaint: `segbot brief --segmnt 2 data.csv` would
otherwise say that --segment is missing (argparse checks required options before it looks at the rest).

Mistyped column names are the engine's to judge (it knows the file's header): see segmentation/columns.py. Both
suggest by one rule, segmentation/near_names.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from segmentation.near_names import closest_name

# The workspace the command line works in when no --workspace is given (Slack teams use their team id).
LOCAL_WORKSPACE = "local"

# How alike a typo and a name must be to suggest the name (difflib's ratio; 0.6 is its default).
SUGGESTION_CUTOFF = 0.6


def closest(word: str, names: Iterable[str]) -> str | None:
    """The name most like `word`, or None when nothing is close enough to be a likely typo (the rule of every
    "did you mean", `segmentation.near_names`, a little stricter: commands and options are short words)."""
    return closest_name(word, names, cutoff=SUGGESTION_CUTOFF)


class SegbotParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors suggest the command, option or choice that was probably meant.

    Subcommand parsers are made with the same class (argparse's default), so every level suggests.
    """

    _given: Sequence[str] = ()  # the arguments this parser was handed, for `error` to look for unknown options

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices and isinstance(value, str):
            message = f"invalid choice: {value!r} (choose from {', '.join(repr(c) for c in action.choices)})"
            guess = closest(value, (str(choice) for choice in action.choices))
            if guess is not None:
                message += f"; did you mean {guess!r}?"
            raise argparse.ArgumentError(action, message)
        super()._check_value(action, value)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        unknown = self._unknown_options()
        super().error(self._no_such_option(unknown) if unknown else message)

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
        self.error(f"unrecognized arguments: {' '.join(extras)}")  # options among them: `error` names those

    def _unknown_options(self) -> list[str]:
        """The arguments given to this command that look like options it does not have (none for a parser with
        subcommands: its arguments include its subcommand's options)."""
        if any(isinstance(action, argparse._SubParsersAction) for action in self._actions):
            return []
        unknown = []
        for token in self._given:
            if token == "--":  # what follows is positional
                break
            if self._is_unknown_option(token) and token not in unknown:
                unknown.append(token)
        return unknown

    def _is_unknown_option(self, token: str) -> bool:
        if len(token) < 2 or token[0] not in self.prefix_chars:
            return False
        if self._negative_number_matcher.match(token) and not self._has_negative_number_optionals:
            return False  # a value such as --seed -1
        name = token.split("=", 1)[0]
        known = self._option_string_actions
        if name in known or token[:2] in known:  # -h, or a short option with its value attached
            return False
        # argparse takes an unambiguous prefix of a long option (--seg for --segment)
        return not (name.startswith("--") and any(option.startswith(name) for option in known))

    def _no_such_option(self, unknown: list[str]) -> str:
        given = [token.split("=", 1)[0] for token in unknown]
        hints: list[str] = []
        for name in given:
            hints += (hint for hint in self._options_like(name) if hint not in hints)
        listed = " and ".join(given)
        message = f"there is no option {listed}" if len(given) == 1 else f"there are no options {listed}"
        return f"{message}; did you mean {' or '.join(hints)}?" if hints else message

    def _options_like(self, name: str) -> list[str]:
        """This command's long options `name` is probably a typo of: the closest name (-k: --k, --segmnt:
        --segment), or for a one-letter short option, the few long ones that begin with its letter (-o: --out)."""
        options = {
            option.lstrip(self.prefix_chars): option for option in self._option_string_actions if len(option) > 2
        }
        bare = name.lstrip(self.prefix_chars)
        guess = closest(bare, options)
        if guess is not None:
            return [options[guess]]
        starting = [option for word, option in options.items() if len(bare) == 1 and word.startswith(bare)]
        return starting if len(starting) <= 3 else []
