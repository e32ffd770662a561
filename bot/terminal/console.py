"""The rich console every command prints through."""

from __future__ import annotations

from rich.console import Console, RenderableType


class PipeConsole(Console):
    """rich's Console, except that a reader gone away (`segbot segment ... | head -5`) is a `BrokenPipeError` for
    the CLI's entry point, which stops quietly with exit 0 as other tools do (rich itself exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def say(console: Console, *lines: RenderableType) -> None:
    """Print prose: into a file or a pipe each paragraph stays one line (no hard wraps at 80 columns, no trailing
    spaces), which editors, grep and a paste into Slack handle; a terminal wraps it to its width. Tables and
    panels keep their width either way."""
    for line in lines:
        console.print(line, soft_wrap=not console.is_terminal)
