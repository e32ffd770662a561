"""The segment report for the terminal: overview, choice of k, column roles, and one panel per segment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.report.view_model import k_choice, stability_word
from bot.terminal.formatting import describe_feature, percent

MAX_FEATURES_SHOWN = 5
MAX_REASONS_SHOWN = 2


def print_report(console: Console, summary: Mapping[str, Any], *, file_name: str) -> None:
    """Print `SegmentationResult.to_dict()` (optionally with per-segment "influencers") for people to read."""
    segments = summary["segments"]
    console.print(
        Text.assemble(
            (f"{len(segments)} segments", "bold"),
            f" in {file_name} ({summary['rows']:,} rows), {stability_word(summary['stability'])} "
            f"(stability {summary['stability']:.2f} of 1)",
        )
    )
    console.print(Text(k_choice(summary["k"], summary["k_scores"]).sentence()))
    console.print(_k_scores_line(summary["k_scores"], summary["k"]))
    console.print(Text(f"Engine note: {summary['k_reason']}", style="dim"))
    console.print(_columns_table(summary["columns"]))
    for segment in segments:
        console.print(_segment_panel(segment))


def _k_scores_line(k_scores: Mapping[str, float], chosen: int) -> Text:
    """`Score per k (higher is better): 2 -40.3 · 3 -38.2 · ...` with the chosen k in bold."""
    line = Text("Score per k (higher is better): ")
    for index, (k, score) in enumerate(k_scores.items()):
        if index:
            line.append(" · ")
        line.append(f"{k}: {score:.2f}", style="bold green" if int(k) == chosen else "")
    return line


def _columns_table(columns: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Columns", title_justify="left")
    table.add_column("column")
    table.add_column("role")
    table.add_column("used")
    table.add_column("why")
    for column in columns:
        table.add_row(column["name"], column["role"], "yes" if column["used"] else "no", column["reason"])
    return table


def _segment_panel(segment: Mapping[str, Any]) -> Panel:
    lines: list[Text | Table] = [
        Text(f"{segment['size']:,} people ({percent(segment['share'])}), stability {segment['stability']:.2f}")
    ]
    if segment.get("confidence_note"):
        lines.append(Text(segment["confidence_note"], style="yellow"))
    lines.append(Text("What sets it apart", style="bold"))
    lines += [Text(f"  • {describe_feature(f)}") for f in segment["features"][:MAX_FEATURES_SHOWN]]
    mix = _audience_lines(segment["audience"])
    if mix:
        lines.append(Text("Audience mix", style="bold"))
        lines += [Text(f"  {line}") for line in mix]
    if "influencers" in segment:
        lines.append(Text("Suggested influencers", style="bold"))
        lines += _influencer_lines(segment["influencers"])
    return Panel(Group(*lines), title=f"[bold]{segment['id']}. {segment['name']}[/bold]", title_align="left")


def _audience_lines(audience: Mapping[str, Any]) -> list[str]:
    lines = []
    if audience.get("age_bands"):
        bands = sorted(audience["age_bands"].items(), key=lambda item: -item[1])[:3]
        lines.append("Age: " + ", ".join(f"{band} {percent(share)}" for band, share in bands if share > 0))
    if audience.get("gender"):
        lines.append("Gender: " + ", ".join(f"{g} {percent(s)}" for g, s in audience["gender"].items()))
    if audience.get("countries"):
        lines.append(
            "Countries: " + ", ".join(f"{c['name']} {percent(c['share'])}" for c in audience["countries"][:3])
        )
    if audience.get("interests"):
        lines.append(
            "Interests: " + ", ".join(f"{i['interest']} {percent(i['share'])}" for i in audience["interests"][:4])
        )
    return lines


def _influencer_lines(influencers: Sequence[Mapping[str, Any]]) -> list[Text]:
    if not influencers:
        return [Text("  No catalog match yet: import creators with `segbot influencers import PATH`.")]
    lines = []
    for influencer in influencers:
        line = Text(f"  {influencer['platform']} @{influencer['handle']}", style="cyan")
        line.append(f"  score {influencer['score']:.2f}", style="")
        if influencer.get("reasons"):
            line.append(f" — {'; '.join(influencer['reasons'][:MAX_REASONS_SHOWN])}", style="")
        if influencer.get("flags"):
            line.append(f"  ⚠ {'; '.join(influencer['flags'])}", style="yellow")
        lines.append(line)
    return lines
