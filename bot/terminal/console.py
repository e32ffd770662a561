"""The rich console every command prints through."""

from __future__ import annotations

from rich.console import Console


class PipeConsole(Console):
    """rich's Console, except that a reader gone away (`segbot segment ... | head -5`) is a `BrokenPipeError` for
    the CLI's entry point, which stops quietly with exit 0 as other tools do (rich itself exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError
