"""`segbot segment` on forked processes (bot.cli.engine_processes): the serial result, one-sentence errors, Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import segmentation.clustering
from bot.cli import main
from bot.cli.engine_processes import ForkedTasks, engine_tasks
from bot.errors import SegbotError
from segmentation import UnusableDataError, segment
from segmentation.clustering import CandidateSearch, fit_split_chain
from segmentation.mixture import Mixture
from segmentation.synthetic import planted_audience

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"


@pytest.fixture(autouse=True)
def _threads_of_this_test_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count only the threads a test here starts: ForkedTasks runs serially in a process with a second thread, and
    an xdist worker may still hold threads an earlier test left (a fake Slack server's), which made these tests
    run serially and fail depending on the order tests were dealt in."""
    already = threading.active_count() - 1
    counted = threading.active_count
    monkeypatch.setattr("bot.cli.engine_processes.threading.active_count", lambda: counted() - already)


def _pid(_: object) -> int:
    return os.getpid()


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_each_process_takes_the_next_task_when_it_gets_free() -> None:
    # The first task outlasts the other three together: one process takes it, the other the rest.
    pids = ForkedTasks(2)(_pid_after, [1.5, 0.1, 0.1, 0.1])
    assert os.getpid() in pids and len(set(pids)) == 2
    assert pids[0] not in pids[1:] and len(set(pids[1:])) == 1
    assert ForkedTasks(1)(_pid, range(3)) == [os.getpid()] * 3
    assert engine_tasks(None).processes == len(os.sched_getaffinity(0))
    assert engine_tasks(1).processes == 1


def test_more_engine_processes_than_cpus_are_capped_with_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("bot.cli.engine_processes.os.sched_getaffinity", lambda _: {0, 1, 2})
    assert engine_tasks(3).processes == 3
    assert capsys.readouterr().err == ""
    assert engine_tasks(500).processes == 3
    assert capsys.readouterr().err == (
        "segbot: SEGBOT_ENGINE_PROCESSES=500 is more than the 3 CPUs this process may use; using 3.\n"
    )


def test_segment_with_too_many_engine_processes_still_segments(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEGBOT_ENGINE_PROCESSES", "500")
    assert main(["segment", str(SAMPLE), "--format", "json"]) == 0
    captured = capsys.readouterr()
    usable = len(os.sched_getaffinity(0))
    assert (
        captured.err
        == f"segbot: SEGBOT_ENGINE_PROCESSES=500 is more than the {usable} CPUs this process may use; using {usable}.\n"
    )
    assert json.loads(captured.out)["k"] == 5


def test_a_process_with_another_thread_never_forks() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert ForkedTasks(2)(_pid, range(4)) == [os.getpid()] * 4
    finally:
        stop.set()
        other.join()


def test_forked_searches_find_what_the_serial_run_finds() -> None:
    table, _ = planted_audience(k=4, n_rows=1_500, seed=9)
    data = table.to_csv(index=False).encode()
    forked = segment(io.BytesIO(data), task_map=ForkedTasks(2))
    serial = segment(io.BytesIO(data))
    assert np.array_equal(forked.labels, serial.labels)
    assert forked.to_dict() == serial.to_dict()


def _fails_in_a_child(parent: int) -> Callable[[tuple[CandidateSearch, dict[int, Mixture]]], object]:
    def chain(task: tuple[CandidateSearch, dict[int, Mixture]]) -> object:
        if os.getpid() != parent:
            raise UnusableDataError("The refit found nothing to segment on; export other columns.")
        return fit_split_chain(task)

    return chain


def test_a_failing_child_is_the_usual_one_sentence_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audience.csv"
    planted_audience(k=3, n_rows=1_200, seed=4)[0].to_csv(path, index=False)
    monkeypatch.setenv("SEGBOT_ENGINE_PROCESSES", "2")
    monkeypatch.setattr(segmentation.clustering, "fit_split_chain", _fails_in_a_child(os.getpid()))
    assert main(["segment", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == "segbot: The refit found nothing to segment on; export other columns.\n"
    assert captured.out == ""


def _raise_in_child(kind: str) -> Callable[[int], int]:
    parent = os.getpid()

    def task(index: int) -> int:
        if os.getpid() == parent:
            time.sleep(0.5)  # long enough for the child to claim the other task
            return index
        if kind == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError(threading.Lock())  # a lock cannot be pickled

    return task


def test_a_child_that_dies_or_raises_what_cannot_be_pickled_is_still_one_sentence() -> None:
    with pytest.raises(SegbotError, match=r"stopped without finishing \(exit code -9") as killed:
        ForkedTasks(2)(_raise_in_child("killed"), range(2))
    assert "SEGBOT_ENGINE_PROCESSES=1" in str(killed.value)
    with pytest.raises(RuntimeError, match=r"^ValueError: <unlocked _thread\.lock") as odd:
        ForkedTasks(2)(_raise_in_child("odd"), range(2))
    assert "In the engine's child process" in odd.value.__notes__[0]
    assert "raise ValueError(threading.Lock())" in odd.value.__notes__[0]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children_once_forked(run: subprocess.Popen[bytes]) -> list[int]:
    """The engine children of a `segbot segment` run, as soon as it has forked them."""
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        children = _children(run.pid)
    assert children, "the run forked no child"
    return children


# A process starts with the SIGINT disposition and mask of its parent: in a pytest-xdist worker that some earlier
# test left with SIGINT ignored or blocked, the run never saw the Ctrl-C and finished with exit 0. The run is
# started as a terminal starts it, SIGINT at its default and unblocked.
_AS_FROM_A_TERMINAL = (
    "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def test_ctrl_c_stops_the_parent_and_its_children_with_one_line() -> None:
    env = {**os.environ, "SEGBOT_ENGINE_PROCESSES": "2"}
    command = [sys.executable, "-c", _AS_FROM_A_TERMINAL, "-m", "bot", "segment", str(SAMPLE)]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    children = _children_once_forked(run)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    out, err = run.communicate(timeout=30)
    assert run.returncode == 130
    assert err.decode() == "segbot: interrupted.\n"
    assert out == b""
    assert not any(_running(child) for child in children)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP])
def test_children_die_with_a_parent_killed_without_ctrl_c(how: signal.Signals) -> None:
    """A scheduler's timeout sends SIGTERM to the parent alone: the children were left blocked on a pipe for ever."""
    env = {**os.environ, "SEGBOT_ENGINE_PROCESSES": "2"}
    command = [sys.executable, "-m", "bot", "segment", str(SAMPLE)]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = _children_once_forked(run)
    run.send_signal(how)
    run.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_running(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(child) for child in children)


def test_a_closed_standard_error_changes_nothing_in_the_output(tmp_path: Path) -> None:
    """With `2>&-` Python sets sys.stderr to None, and an error sentence printed there landed in the JSON."""
    out = tmp_path / "out.json"
    code = (
        "import os, sys; os.close(2); "
        f"fd = os.open({str(out)!r}, os.O_WRONLY | os.O_CREAT); os.dup2(fd, 1); "
        f"os.execv(sys.executable, [sys.executable, '-m', 'bot', 'segment', {str(SAMPLE)!r}, '--format', 'json'])"
    )
    env = {**os.environ, "SEGBOT_ENGINE_PROCESSES": "2"}
    done = subprocess.run([sys.executable, "-c", code], check=False, env=env, timeout=120)
    assert done.returncode == 0
    assert json.loads(out.read_text())["k"] >= 1
