"""`TaskMap`: how a caller lets the engine run its independent work at once (a process pool) or in turn.

Every column's role is decided from that column alone, and the choice of k fits every candidate on the selection
sample and again on three subsamples, fits that share nothing but their inputs and a few earlier fits; past
65,536 rows every row is assigned its segment chunk by chunk, and each used column's differences between
segments (the profiles) depend on that column and the labels alone. The engine stays pure: it never starts a
process itself, it hands such work, as rounds of independent tasks, to the `TaskMap` its caller passed
(`bot.cli.engine_processes` forks for `segbot segment`) or runs them in turn. Every task carries its own seed,
so where a task runs never changes what it finds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

Task = TypeVar("Task")
Found = TypeVar("Found")

# Below this many rows a step's tasks take a few hundredths of a second: starting processes would cost more than
# it saves, so the engine runs them in turn whatever TaskMap its caller passed.
PARALLEL_MIN_ROWS = 1_000


class TaskMap(Protocol):
    """Calls `function` on every task and returns the results in the tasks' order, as `serial_map` does."""

    def __call__(self, function: Callable[[Task], Found], tasks: Sequence[Task], /) -> list[Found]: ...


def serial_map(function: Callable[[Task], Found], tasks: Sequence[Task], /) -> list[Found]:
    """The tasks one after another in this process."""
    return [function(task) for task in tasks]
