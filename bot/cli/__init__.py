"""The `segbot` command line: finds every `*_command` module in this package and wires its subcommand.

Each command module defines `register(subparsers)`, which adds its parser and sets `handler`, a function
taking the parsed arguments and returning the exit code. Settings (log level, SEGBOT_DEBUG) come from
`bot.settings`. Errors meant for people (`SegbotError`,
`SegmentationError`) become one line on stderr and exit code 2; nothing else prints a traceback unless
`SEGBOT_DEBUG=1`.

Building the parser must stay cheap: command modules import pandas, scikit-learn, SQLAlchemy, Slack and
pydantic inside their handlers, so `segbot --help` answers in a fraction of a second
(tests/cli/test_parser.py checks which modules the parser pulls in). A mistyped command, option or choice
gets a "did you mean" suggestion (`bot.cli.parser`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence

from bot.cli.parser import SegbotParser
from bot.errors import SegbotError, environment_failure, error_reference
from segmentation.errors import SegmentationError

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1

log = logging.getLogger("segbot")


def _installed_version() -> str:
    """The version pip installed (pyproject.toml's), read from the package metadata without importing anything."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("segbot")
    except PackageNotFoundError:
        return "(not installed: run make install)"


def build_parser() -> argparse.ArgumentParser:
    parser = SegbotParser(
        prog="segbot",
        description="Segbot: audience segmentation and influencer suggestions, from the terminal or Slack.",
    )
    parser.add_argument("--version", action="version", version=f"segbot {_installed_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.endswith("_command"):
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            module.register(subparsers)
    return parser


def _open_closed_streams() -> None:
    """Standard input or error closed by whoever started segbot (`2>&-`, some daemons): /dev/null there instead.

    Python leaves sys.stderr None then, and print(file=None) writes to stdout, so an error sentence would land in
    the report or JSON; and a pipe the engine opens could take descriptor 2 and receive stray writes."""
    for fd, name, mode in ((0, "stdin", "r"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, mode, closefd=False))  # noqa: SIM115 - the process's own stream


def main(argv: Sequence[str] | None = None) -> int:
    _open_closed_streams()
    args = build_parser().parse_args(argv)
    debug = False
    try:
        from bot.cli.memory_limit import check_address_space
        from bot.logs import configure_logging
        from bot.settings import load_settings

        check_address_space()  # before any library that loads OpenBLAS: too low a limit fails in C, unexplained
        settings = load_settings()
        debug = settings.debug
        configure_logging(settings.log_level, settings.log_format)
        status = int(args.handler(args))
        sys.stdout.flush()  # here, so a reader gone away (`| head`) is the BrokenPipeError below, not exit 1 later
        return status
    except (SegbotError, SegmentationError) as error:
        print(f"segbot: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("segbot: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`segbot ... | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:
        if debug:
            raise
        sentence = environment_failure(error)
        if sentence is not None:
            print(f"segbot: {sentence}", file=sys.stderr)
            return EXIT_INTERNAL_ERROR
        reference = error_reference()
        log.debug("unexpected error (reference %s)", reference, exc_info=True)
        print(
            f"segbot: something went wrong on our side (reference {reference}); "
            "run again with SEGBOT_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
