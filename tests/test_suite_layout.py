"""The test suite itself: plain `pytest` from the repository root collects it, and helpers are shared properly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.ordering import module_weights, read_durations, shares, spread

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# `from tests.x.conftest import ...` or `from tests.x.test_y import ...` (or the bare module forms).
IMPORTS_A_TEST_MODULE = re.compile(r"^\s*(from|import)\s+(tests\.)?([\w.]+\.)?(conftest|test_\w+)\b", re.MULTILINE)


def test_no_test_module_or_conftest_is_imported_by_another() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for folder in (TESTS, ROOT / "benchmarks")
        for path in sorted(folder.rglob("*.py"))
        for match in IMPORTS_A_TEST_MODULE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "move shared helpers into a helper module or a conftest.py fixture"


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts}
    assert [str(f.relative_to(ROOT)) for f in sorted(folders) if not (f / "__init__.py").is_file()] == []


def test_plain_pytest_collects_from_the_root() -> None:
    """`pytest` (not `python -m pytest`, which puts the current folder on sys.path) finds every test."""
    pytest_script = Path(sys.executable).with_name("pytest")
    done = subprocess.run(
        [str(pytest_script), "--collect-only", "-q", "-p", "no:cacheprovider"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"^\d{3,} tests collected", done.stdout, re.MULTILINE), done.stdout[-500:]


def test_each_worker_is_handed_what_worksteal_sends_it() -> None:
    assert shares(1454, 2) == [727, 727]
    assert shares(10, 3) == [3, 3, 4]
    assert shares(1, 2) == [0, 1]


def test_the_slowest_modules_are_dealt_first_to_the_lightest_share() -> None:
    modules = [("q.py", ["q1", "q2", "q3"]), ("a.py", ["a1", "a2"]), ("b.py", ["b1", "b2"]), ("c.py", ["c1"])]
    weights = {"a.py": 10.0, "b.py": 8.0, "c.py": 5.0}
    # a to the first share; b, then c (the first share is the heavier), to the second; the quick ones fill up.
    assert spread(modules, weights, 2) == ["a1", "a2", "q1", "q2", "b1", "b2", "c1", "q3"]
    assert spread(modules, {}, 2) == ["q1", "q2", "q3", "a1", "a2", "b1", "b2", "c1"]
    assert spread(modules, weights, 1) == ["a1", "a2", "b1", "b2", "c1", "q1", "q2", "q3"]


def test_the_durations_list_reads_a_durations_report_and_names_existing_modules() -> None:
    report = "12.50s call     tests/x/test_y.py::test_a[p]\n0.50s setup    tests/x/test_y.py::test_b\nother line\n"
    assert module_weights(report) == {"tests/x/test_y.py": 13.0}
    listed = read_durations()
    assert listed, "tests/durations.txt is missing or empty"
    assert [module for module in listed if not (ROOT / module).is_file()] == [], "regenerate tests/durations.txt"
