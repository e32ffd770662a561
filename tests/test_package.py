"""Segbot as a real package: the wheel holds the templates, samples and migrations, and a plain (not editable)
install runs `segbot demo` from any folder.

The wheel is built once per session (`pip wheel`, as the Dockerfile does) from a copy of the checkout without
its virtual environment and caches, so the build leaves nothing in the checkout (setuptools writes `build/` and
`*.egg-info` beside the sources it builds), and installed with `--no-deps` into a fresh virtual environment made
for the test; that environment borrows the third-party dependencies from the test interpreter's site-packages
through a `.pth` line, so no download is needed and nothing of the checkout (nor its editable install) is on
the path: `bot` and `segmentation` can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "bot" / "templates"
# Not copied for the build: the virtual environment, git's data, caches and earlier builds.
NOT_SOURCES = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis", "out"
)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    build_log: str
    bin: Path
    site_packages: Path
    workdir: Path

    def run(self, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SEGBOT_", "SLACK_", "DATABASE_URL"))}
        clean.pop("PYTHONPATH", None)
        return subprocess.run(
            argv, cwd=self.workdir, env={**clean, **env}, capture_output=True, text=True, timeout=300, check=False
        )


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("package")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    dist = base / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = dist.glob("segbot-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    # Third-party dependencies from the test interpreter, after the wheel's own packages on the path. A path
    # line in a .pth file does not run that folder's .pth files, so the checkout's editable finder stays off.
    (site_packages / "zz_segbot_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir = base / "elsewhere"
    workdir.mkdir()
    return Installed(wheel, built.stdout + built.stderr, venv / "bin", site_packages, workdir)


def test_the_wheel_contains_the_package_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    templates = {f"bot/templates/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*.j2")}
    assert templates and templates <= names, sorted(templates - names)
    assert {"bot/samples/sample_audience.csv", "bot/samples/sample_influencers.csv"} <= names
    assert "bot/storage/migrations/script.py.mako" in names
    assert not any(name.startswith(("tests/", "benchmarks/", "templates/")) for name in names)


def test_building_prints_no_deprecation_warning(installed: Installed) -> None:
    assert "deprecat" not in installed.build_log.lower(), installed.build_log[-3000:]


def test_the_installed_package_runs_from_another_folder(installed: Installed) -> None:
    where = installed.run(
        str(installed.bin / "python"), "-c", "import bot, segmentation; print(bot.__file__, segmentation.__file__)"
    )
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(installed.site_packages) for line in where.stdout.split())

    demo = installed.run(str(installed.bin / "segbot"), "demo", COLUMNS="100")
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr == ""
    assert demo.stdout.startswith("Segbot demo: the built-in synthetic audience (sample_audience.csv) and 400 ")
    assert "segments in sample_audience.csv (3,000 rows)" in demo.stdout
    assert list(installed.workdir.iterdir()) == []  # nothing left behind in the user's folder


def test_the_installed_package_renders_slack_messages_from_its_templates(installed: Installed) -> None:
    rendered = installed.run(
        str(installed.bin / "python"),
        "-c",
        "from bot.report.render import render_help; message = render_help(); "
        "print(len(message.blocks)); print(message.text)",
    )
    assert rendered.returncode == 0, rendered.stderr
    count, text = rendered.stdout.split("\n", 1)
    assert int(count) > 0 and "/segment" in text


def test_the_installed_package_migrates_a_database(installed: Installed) -> None:
    url = f"sqlite:///{installed.workdir.parent / 'segbot.db'}"
    upgraded = installed.run(str(installed.bin / "segbot"), "db", "upgrade", DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith("Database schema is at revision ")
