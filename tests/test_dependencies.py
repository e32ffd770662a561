"""Pinned dependencies: the lock files cover pyproject.toml, and `make audit` is honest when it cannot check."""

from __future__ import annotations

import http.server
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_LOCK = ROOT / "requirements" / "test.lock"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
AUDIT = ROOT / "tools" / "audit_dependencies.py"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ;[^\\]*)? \\$", re.M)

sys.path.insert(0, str(AUDIT.parent))
import audit_dependencies  # noqa: E402


def _name(requirement: str) -> str:
    bare = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert bare is not None
    return re.sub(r"[-_.]+", "-", bare.group(0)).lower()


def _pins(lock: Path) -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for name, version in _PIN.findall(lock.read_text(encoding="utf-8")):
        pins.setdefault(_name(name), set()).add(version)
    return pins


def _project() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"runtime": project["dependencies"], "test": project["optional-dependencies"]["test"]}


def test_every_dependency_of_pyproject_is_pinned_in_the_lock_files() -> None:
    """Fails when a dependency was added to pyproject.toml without `make lock` (docs/security.md)."""
    project, test_pins, runtime_pins = _project(), _pins(TEST_LOCK), _pins(RUNTIME_LOCK)
    assert {_name(r) for r in project["runtime"] + project["test"]} <= set(test_pins)
    assert {_name(r) for r in project["runtime"]} <= set(runtime_pins)
    assert not {_name(r) for r in project["test"]} & set(runtime_pins) - {_name(r) for r in project["runtime"]}


def test_the_image_lock_uses_the_same_versions_as_the_test_lock() -> None:
    test_pins = _pins(TEST_LOCK)
    for name, versions in _pins(RUNTIME_LOCK).items():
        assert versions == test_pins[name], name


@pytest.mark.parametrize("lock", [TEST_LOCK, RUNTIME_LOCK], ids=lambda p: p.name)
def test_every_pin_carries_hashes(lock: Path) -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    pinned = [block for block in blocks if "==" in block.split("\n", 1)[0]]
    assert len(pinned) >= 40
    assert all("--hash=sha256:" in block for block in pinned)


def test_make_install_reinstalls_when_the_lock_changes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\): (.*)$", makefile, re.M)
    assert stamp_rule is not None
    assert stamp_rule.group(1).split() == ["pyproject.toml", "$(LOCK)", "$(DATA_LOCK)"]
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile


def test_data_wheels_are_downloaded_by_hash_and_never_installed() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    download = re.search(r"pip download (.*?)-r \$\(DATA_LOCK\)", makefile, re.S)
    assert download is not None and "--require-hashes" in download.group(1) and "--no-deps" in download.group(1)
    assert "install" not in re.sub(r"\s+", " ", download.group(0)).replace("pip download", "")
    lock = (ROOT / "requirements" / "data.lock").read_text(encoding="utf-8")
    assert re.findall(r"^([a-z0-9-]+)==\S+ \\\n +--hash=sha256:[0-9a-f]{64}$", lock, re.M) == ["islp", "plotly"]


def _run_audit_without_network() -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(AUDIT), str(TEST_LOCK.relative_to(ROOT)), "--uv-version", "0.0.0"]
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--net", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) for a network namespace")
def test_make_audit_says_plainly_that_it_checked_nothing_when_the_network_is_down() -> None:
    result = _run_audit_without_network()
    if "unshare:" in result.stderr:
        pytest.skip(f"network namespaces are not allowed here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Dependency audit skipped: PyPI's vulnerability data is not reachable")
    assert "requirements/test.lock was NOT checked" in lines[0]


def test_the_audit_message_path_in_process_when_name_resolution_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_network(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(audit_dependencies, "_uv", lambda *a: pytest.fail("must not install or run pip-audit"))
    assert audit_dependencies.main([str(TEST_LOCK), "--uv-version", "0.0.0"]) == 0
    out = capsys.readouterr().out
    assert "could not be reached (" in out
    assert "name resolution" in out
    assert "was NOT checked" in out


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"info": {}, "vulnerabilities": []}' if self.path.startswith("/pypi/alembic/") else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_pypi(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(audit_dependencies, "PROBE_URL", base + "/pypi/{name}/{version}/json")
    yield base
    server.shutdown()
    server.server_close()


def test_the_probe_accepts_a_vulnerability_record_and_refuses_a_404(fake_pypi: str) -> None:
    assert audit_dependencies.vulnerability_data_problem("alembic", "1.0") is None
    assert audit_dependencies.vulnerability_data_problem("numpy", "2.0") == (
        f"{fake_pypi}/pypi/numpy/2.0/json answered HTTP 404"
    )


def test_the_first_pin_of_the_lock_is_what_the_probe_asks_about() -> None:
    name, version = audit_dependencies.first_pin(TEST_LOCK.read_text(encoding="utf-8"))
    assert version in _pins(TEST_LOCK)[_name(name)]
