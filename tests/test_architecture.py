"""The one-way layers of docs/architecture.md, enforced: import-linter's contracts from pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["id"] == "layers"]
    return list(contract["layers"])


def test_every_import_follows_the_contracts() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_every_package_of_bot_has_a_layer() -> None:
    named = {name.strip() for line in layers() for name in line.split("|")}
    found = {
        f"bot.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "bot").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    assert found - named == set(), "add the new package to [tool.importlinter] layers and docs/architecture.md"


def test_the_documented_layers_are_the_checked_ones() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\n```\n(.*?)```\n<!-- /layers -->", text, re.DOTALL)
    assert block is not None
    assert block.group(1).splitlines() == layers()
