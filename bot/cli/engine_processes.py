"""Forked processes for the engine's independent work in `segbot segment` (`SEGBOT_ENGINE_PROCESSES`).

The engine hands its column decisions and the fits of its choice of k to a `TaskMap` (`segmentation.task_map`)
in rounds of independent tasks; this one runs them in this process and forked children, each taking the next
task when it gets free, so a 2-core machine runs them two at a time. Why it is shaped so:
- fork, after the imports: a child starts in milliseconds with the tasks already in its memory; only the fitted
  models come back, pickled, once the child's share is done (a pipe holds 64 KB, a share's models more).
- Only the command line forks: it runs one thread of Python (pyarrow's and OpenBLAS's pools restart in a
  child; the engine computes with one BLAS thread). The Slack worker has lease, sweeper and health threads,
  and forking a multithreaded process can leave a child with a lock held for ever: its runs stay serial, and
  `ForkedTasks` itself runs the tasks in turn whenever this process has a second Python thread (or the
  system cannot fork, as on Windows).
- Memory: a child shares the parent's pages until it writes to them, and the tasks touch only the sample (at
  most 4,000 rows): on the 3,000-row sample a child wrote 8 MB of its own (smaps_rollup's Private_Dirty).
- Ctrl-C reaches the whole process group: children ignore it (SIGINT is blocked across the fork, so none
  arrives before they do), and the parent, interrupted, terminates them.
- A parent that dies without Ctrl-C (SIGTERM from a scheduler's timeout, SIGKILL) takes its children with it:
  each asks the kernel for SIGKILL when its parent goes (`_die_with`).
- A child's exception is raised again in the parent, with the child's traceback as a note, so a
  `SegmentationError` is the usual one sentence; a child that dies without a word (killed, out of memory) is
  a `SegbotError` naming its exit code.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from bot.cli.cpus import usable_cpus
from bot.errors import SegbotError

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
Task = TypeVar("Task")
Found = TypeVar("Found")


class ForkedTasks:
    """A `TaskMap` over `processes` processes (this one and forked children); 1 runs the tasks in turn."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def __call__(self, function: Callable[[Task], Found], tasks: Sequence[Task], /) -> list[Found]:
        n = min(self.processes, len(tasks))
        if n < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [function(task) for task in tasks]
        context = multiprocessing.get_context("fork")
        claims = _Claims(context.Value("i", 0), len(tasks))
        children = _start(context, function, tasks, claims, n - 1)
        try:
            found: dict[int, Any] = {index: function(tasks[index]) for index in claims}
            for process, reader in children:
                found.update(_receive(process, reader))
        finally:
            for process, reader in children:
                if process.is_alive():
                    process.terminate()
                process.join()
                reader.close()
        return [found[index] for index in range(len(tasks))]


def engine_tasks(processes: int | None) -> ForkedTasks:
    """The TaskMap for `SEGBOT_ENGINE_PROCESSES`: that many processes, or unset, one per CPU this process may use
    (a container's or taskset's share, not the machine's count). More than that is capped, with one sentence on
    stderr: the tasks are computation, so a process beyond the CPUs only adds memory (SEGBOT_ENGINE_PROCESSES=500
    forked one child per task, dozens)."""
    usable = usable_cpus()
    if processes is not None and processes > usable:
        print(
            f"segbot: SEGBOT_ENGINE_PROCESSES={processes} is more than the {usable} CPUs this process may use; "
            f"using {usable}.",
            file=sys.stderr,
        )
    return ForkedTasks(min(processes or usable, usable))


class _Claims:
    """The tasks' indices, each handed to the first process that asks (a counter in shared memory).

    Taken as each process gets free rather than dealt out beforehand: the engine's tasks differ in cost (a fit
    for k = 12 on the whole sample against one for k = 1 on a subsample), and the engine lists the longest first."""

    def __init__(self, counter: Any, n_tasks: int) -> None:
        self.counter = counter
        self.n_tasks = n_tasks

    def __iter__(self) -> Iterator[int]:
        while True:
            with self.counter.get_lock():
                index = int(self.counter.value)
                self.counter.value = index + 1
            if index >= self.n_tasks:
                return
            yield index


def _start(
    context: Any, function: Callable[[Any], Any], tasks: Sequence[Any], claims: _Claims, n_children: int
) -> list[tuple[BaseProcess, Connection]]:
    sys.stdout.flush()  # a child would write out a copy of anything still buffered
    sys.stderr.flush()
    children: list[tuple[BaseProcess, Connection]] = []
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for _ in range(n_children):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(
                target=_run_claimed, args=(function, tasks, claims, writer, os.getpid()), daemon=True
            )
            process.start()
            writer.close()
            children.append((process, reader))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return children


def _run_claimed(
    function: Callable[[Any], Any], tasks: Sequence[Any], claims: _Claims, writer: Connection, parent: int
) -> None:
    """In a child: the tasks it claims, sent back together as {index: result} at the end, or the first exception."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        message: tuple[bool, Any] = (True, {index: function(tasks[index]) for index in claims})
    except Exception as error:  # raised again in the parent
        message = (False, _portable(error))
    writer.send(message)
    writer.close()


def _die_with(parent: int) -> None:
    """Have the kernel kill this child when its parent dies, however it dies (SIGTERM from a scheduler's timeout,
    SIGKILL, a closed terminal's SIGHUP): without it the child outlives the parent, blocked on a pipe nobody
    reads, holding its memory. Linux's PR_SET_DEATHSIG; where there is none, the child checks once that its
    parent is still there and otherwise finishes its task unread, as before."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the death signal was asked for
        os._exit(1)


def _portable(error: Exception) -> Exception:
    """`error` with the child's traceback as a note, or a RuntimeError saying what it was when it cannot be pickled."""
    details = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = RuntimeError(f"{type(error).__name__}: {error}")
    error.add_note(f"In the engine's child process:\n{details}")
    return error


def _receive(process: BaseProcess, reader: Connection) -> dict[int, Any]:
    try:
        ok, value = reader.recv()
    except EOFError:
        process.join()
        raise SegbotError(
            f"A process of the segmentation stopped without finishing (exit code {process.exitcode}, perhaps out "
            "of memory); run again, or set SEGBOT_ENGINE_PROCESSES=1 to segment in one process."
        ) from None
    if not ok:
        raise value
    return dict(value)
