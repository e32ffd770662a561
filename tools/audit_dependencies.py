"""`make audit`: check the lock file against PyPI's vulnerability data with pip-audit, when that data is reachable.

pip-audit reports "No known vulnerabilities found" even when every lookup failed (it only lists the packages
it skipped), so this first asks PyPI for the vulnerability record of one locked package. When that answer does
not come back, it says so in one sentence and exits 0 instead of pretending the lock was checked.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

PIP_AUDIT = "pip-audit==2.10.1"
PROBE_URL = "https://pypi.org/pypi/{name}/{version}/json"
PROBE_TIMEOUT_S = 10.0
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def first_pin(lock_text: str) -> tuple[str, str]:
    """The first `name==version` line of a lock file."""
    match = _PIN.search(lock_text)
    if match is None:
        raise ValueError("the lock file pins no package")
    return match.group(1), match.group(2)


def vulnerability_data_problem(name: str, version: str, *, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """Why PyPI's vulnerability record for `name==version` cannot be read, or None when it can."""
    url = PROBE_URL.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            record = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return f"{url} answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return f"{url} could not be reached ({reason})"
    except ValueError:
        return f"{url} did not answer JSON"
    if not isinstance(record, dict) or "vulnerabilities" not in record:
        return f"{url} answered without vulnerability data"
    return None


def _uv(venv_bin: Path, uv_version: str) -> str:
    uv = venv_bin / "uv"
    if not uv.exists():
        subprocess.run([str(venv_bin / "python"), "-m", "pip", "install", "--quiet", f"uv=={uv_version}"], check=True)
    return str(uv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--uv-version", required=True)
    args = parser.parse_args(argv)
    name, version = first_pin(args.lock.read_text(encoding="utf-8"))
    problem = vulnerability_data_problem(name, version)
    if problem is not None:
        print(
            f"Dependency audit skipped: PyPI's vulnerability data is not reachable from this machine ({problem}), "
            f"so {args.lock} was NOT checked; run `make audit` where pypi.org is reachable."
        )
        return 0
    uv = _uv(Path(sys.executable).parent, args.uv_version)
    command = [uv, "tool", "run", "--from", PIP_AUDIT, "pip-audit", "--requirement", str(args.lock)]
    command += ["--disable-pip", "--strict", "--progress-spinner", "off"]
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
