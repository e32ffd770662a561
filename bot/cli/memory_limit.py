"""The address-space limit (`ulimit -v`) checked before a command starts, so that too low a limit is one sentence.

Below what the libraries need to load and start, the failure comes from C before Python can say anything:
OpenBLAS prints "Memory allocation still failed after 10 retries, giving up" and exits, or raises SIGINT when
it cannot start its threads (which read as Ctrl-C), or spins for ever retrying an allocation inside a BLAS call;
pandas fails to map its extension modules. Measured with `segbot segment` on the 3,000-row sample on 2 CPUs,
the outcome below about 750 MB depends on where allocations land, not only on the limit: 100 MB OpenBLAS's error,
500 MB "interrupted", 600 MB sometimes a report, 650 MB "ran out of memory", 700 MB a run that never ended; from
730 MB it ran (645 MB on 1 CPU: OpenBLAS starts a thread per CPU, with its stack and buffers, in numpy's and
scipy's copies). The figure asked for keeps a margin above that: 800 MB on 2 CPUs ran 5 times out of 5.
"""

from __future__ import annotations

import resource

from bot.cli.cpus import usable_cpus
from bot.errors import SegbotError

BASE_BYTES = 600 * 2**20
PER_CPU_BYTES = 100 * 2**20


def needed_address_space(cpus: int) -> int:
    """Bytes of address space Segbot needs to load its libraries and segment a small file on `cpus` CPUs."""
    return BASE_BYTES + PER_CPU_BYTES * cpus


def check_address_space() -> None:
    """Refuse to start, in one sentence, when `ulimit -v` is below `needed_address_space`."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return
    cpus = usable_cpus()
    needed = needed_address_space(cpus)
    if soft < needed:
        raise SegbotError(
            f"The memory limit of this shell (ulimit -v {soft // 1024}) is below the {needed // 2**20:,} MB of "
            f"address space Segbot needs to start on {cpus} CPU{'s' if cpus > 1 else ''}; raise it with "
            f"`ulimit -v {needed // 1024}` or more (larger files need more) and run again."
        )
