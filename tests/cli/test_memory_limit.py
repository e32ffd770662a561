"""Too low a `ulimit -v` is one sentence before any work, and the figure that sentence gives is enough."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from bot.cli.memory_limit import needed_address_space

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"


def _segment_under(limit: int, *options: str) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))

    return subprocess.run(
        [sys.executable, "-m", "bot", "segment", str(SAMPLE), *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limited,  # only setrlimit between fork and exec
    )


def test_a_limit_too_low_to_start_is_one_sentence_and_nothing_written(tmp_path: Path) -> None:
    # It was OpenBLAS's own error from C, a Ctrl-C that nobody pressed ("segbot: interrupted."), or a run spinning
    # for ever inside a BLAS call, depending on the limit.
    cpus = len(os.sched_getaffinity(0))
    needed = needed_address_space(cpus)
    labels = tmp_path / "labels.csv"
    done = _segment_under(600_000 * 1024, "--labels-out", str(labels))
    assert done.returncode == 2
    assert done.stderr == (
        f"segbot: The memory limit of this shell (ulimit -v 600000) is below the {needed // 2**20:,} MB of address "
        f"space Segbot needs to start on {cpus} CPU{'s' if cpus > 1 else ''}; raise it with `ulimit -v "
        f"{needed // 1024}` or more (larger files need more) and run again.\n"
    )
    assert done.stdout == "" and not labels.exists()


def test_the_figure_given_is_enough_for_the_sample() -> None:
    cpus = len(os.sched_getaffinity(0))
    done = _segment_under(needed_address_space(cpus))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("5 segments in sample_audience.csv")
