"""The test suite itself: plain `pytest` from the repository root collects it, and helpers are shared properly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
