"""The order the suite runs in: the slowest test modules first, spread over the pytest-xdist workers.

`--dist worksteal` hands each worker an equal count of consecutive tests and lets an idle worker steal from the
end of a busy one's queue. Left in file order, a slow module (the marketer guide's commands, the killed-worker
tests) can start last and run alone while the other worker waits. Here each module weighs what its tests took in
tests/durations.txt (seconds, from a run of `make test`); modules go, heaviest first, to the worker's share with
the least weight so far, so every worker starts on its slowest modules and the quick tests come last, where
stealing evens out the end. A module's tests stay together (module-scoped fixtures are set up once) and keep
their order; modules missing from the list count as quick.

    .venv/bin/python -m pytest -n 2 --dist worksteal --durations=0 -q | .venv/bin/python -m tests.ordering
        rewrites tests/durations.txt from that run (after adding or slowing down a test a lot)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

DURATIONS = Path(__file__).resolve().with_name("durations.txt")
# `12.34s call     tests/x/test_y.py::test_z[param]` in pytest's --durations report
DURATION_LINE = re.compile(r"^(\d+(?:\.\d+)?)s (?:setup|call|teardown) +(\S.*?)\s*$")
# Modules under this many seconds in total are not written to the list: their order does not matter.
KEEP_SECONDS = 2.0

Item = TypeVar("Item")


def read_durations(path: Path = DURATIONS) -> dict[str, float]:
    """Seconds by test module (`tests/x/test_y.py`), from the list; empty when there is none."""
    if not path.is_file():
        return {}
    weights: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            seconds, module = line.split(maxsplit=1)
            weights[module.strip()] = float(seconds)
    return weights


def shares(count: int, workers: int) -> list[int]:
    """How many tests each worker is handed first: what xdist's worksteal scheduler sends (its `_send_tests`)."""
    sizes = []
    for index in range(workers):
        sizes.append(count // (workers - index))
        count -= sizes[-1]
    return sizes


def spread(modules: Sequence[tuple[str, list[Item]]], weights: dict[str, float], workers: int) -> list[Item]:
    """The tests in run order: `modules` (name, tests in collection order) dealt heaviest first to the lightest
    share that still has room, then filled up with the quick ones, each share in turn."""
    sizes = shares(sum(len(tests) for _, tests in modules), workers)
    heavy = sorted((m for m in modules if weights.get(m[0], 0.0) > 0), key=lambda m: -weights[m[0]])
    quick = [m for m in modules if weights.get(m[0], 0.0) <= 0]
    queues: list[list[Item]] = [[] for _ in sizes]
    loads = [0.0] * len(sizes)
    rest: list[Item] = []
    for name, tests in heavy:
        fits = [index for index, size in enumerate(sizes) if len(queues[index]) + len(tests) <= size]
        if not fits:
            rest += tests
            continue
        target = min(fits, key=lambda index: loads[index])
        queues[target] += tests
        loads[target] += weights[name]
    rest += [test for _, tests in quick for test in tests]
    for index, size in enumerate(sizes):
        room = size - len(queues[index])
        queues[index] += rest[:room]
        del rest[:room]
    return [test for queue in queues for test in queue]


def module_weights(report: str) -> dict[str, float]:
    """Seconds by test module, summed over the setup, call and teardown lines of a --durations=0 report."""
    weights: dict[str, float] = {}
    for line in report.splitlines():
        match = DURATION_LINE.match(line)
        if match:
            module = match.group(2).split("::", 1)[0]
            weights[module] = weights.get(module, 0.0) + float(match.group(1))
    return weights


def main() -> int:
    weights = module_weights(sys.stdin.read())
    if not weights:
        print("no --durations report on standard input (run pytest with --durations=0)", file=sys.stderr)
        return 1
    kept = sorted(((s, m) for m, s in weights.items() if s >= KEEP_SECONDS), reverse=True)
    lines = [
        "# Seconds per test module in one run of `make test`; tests/ordering.py reads it. Regenerate with",
        "# .venv/bin/python -m pytest -n 2 --dist worksteal --durations=0 -q | .venv/bin/python -m tests.ordering",
    ]
    lines += [f"{seconds:.1f} {module}" for seconds, module in kept]
    DURATIONS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(kept)} modules to {DURATIONS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
