"""The `/segment` subcommand router: discovery of `*_commands` modules, words and patterns."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from bot.services.dataset_names import dataset_name_for_upload
from bot.slack.commands import CommandRegistry, CommandRequest, build_registry
from bot.slack.oauth import BOT_SCOPES


def noop(request: CommandRequest) -> None:
    del request


def test_every_command_module_is_discovered() -> None:
    registry = build_registry()
    assert {"/segment", "/influencers"} <= set(registry.commands())
    names = {(s.command, s.name) for s in registry.listing()}
    assert {("/segment", "help"), ("/segment", "last"), ("/segment", "runs"), ("/segment", "k=N")} <= names
    assert {("/influencers", "import"), ("/influencers", "list")} <= names


def test_words_and_patterns_pick_the_subcommand() -> None:
    registry = CommandRegistry()
    registry.add("/segment", "runs", noop, usage="/segment runs", summary="runs")
    registry.add("/segment", "k=N", noop, usage="/segment k=N", summary="k", pattern=r"k\s*=\s*(\S+)")
    registry.add("/influencers", "list", noop, usage="/influencers list [topic]", summary="list")

    found = registry.find("/segment", "  RUNS  ")
    assert found is not None and found[0].name == "runs" and found[1] == ""
    found = registry.find("/segment", "k = 4")
    assert found is not None and found[0].name == "k=N" and found[2] is not None and found[2].group(1) == "4"
    found = registry.find("/influencers", "list   Fitness  gym")
    assert found is not None and found[1] == "Fitness gym"
    assert registry.find("/segment", "list") is None
    assert registry.find("/segment", "") is None


def test_dataset_name_is_the_file_name_without_extension(engine: Engine) -> None:
    def name(file_name: str) -> str:
        return dataset_name_for_upload(engine, "T1", "C1", file_name)

    assert name("audience.csv") == "audience"
    assert name("Audience Q3.csv.gz") == "Audience Q3"
    assert name("export.xlsx") == "export"
    assert name("README") == "README"
    assert name(".csv") == ".csv"


def test_every_slash_subcommand_and_the_manifest_commands_are_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    # The slash commands are documented for their readers in the marketer guide ("Segbot in Slack", digests).
    guide = (root / "docs" / "marketer-guide.md").read_text(encoding="utf-8")
    manifest = (root / "deploy" / "manifest.yml").read_text(encoding="utf-8")
    registry = build_registry()
    missing = [f"{s.command} {s.name}" for s in registry.listing() if f"{s.command} {s.name}" not in guide]
    assert missing == []
    assert all(f"command: {command}" in manifest for command in registry.commands())
    assert all(f"- {scope}" in manifest for scope in BOT_SCOPES)
