"""Writing one benchmark's markdown section to benchmarks/results/<name>.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks.machine import machine_line

RESULTS_DIR = Path(__file__).parent / "results"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, title: str, body: str) -> Path:
    """Write `## title`, the machine line and `body` to benchmarks/results/<name>.md; print it too."""
    RESULTS_DIR.mkdir(exist_ok=True)
    text = f"## {title}\n\n{machine_line()}\n\n{body.strip()}\n"
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    print(text)
    return path
