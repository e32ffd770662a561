"""The segment report for the terminal: overview, choice of k, column roles, and one panel per segment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.report import messages
from bot.report.report_input import ReportInput, SegmentReport
from bot.report.view_model import k_choice, no_match_sentence, outcome_sentence, stability_word
from bot.terminal.console import say
from bot.terminal.formatting import describe_feature, percent
from segmentation.ranking import worth_phrase
from segmentation.result import AudienceMix, ColumnRole

if TYPE_CHECKING:  # a type only: a report without suggestions never loads the matching engine
    from segmentation.matching import Suggestion

MAX_FEATURES_SHOWN = 5
MAX_REASONS_SHOWN = 2
AGE_BANDS_SHOWN = 3
COUNTRIES_SHOWN = 3
INTERESTS_SHOWN = 4


def print_report(
    console: Console,
    report: ReportInput,
    *,
    file_name: str,
    workspace: str | None = None,
    database: str | None = None,
) -> None:
    """Print the report for people to read; "Suggested influencers" only when suggestions were asked for,
    then from the catalog of `workspace` in `database`, which the report names with its size."""
    result = report.result

    if result.k == 1:
        say(console, Text.assemble(("No distinct segments", "bold"), f" in {file_name} ({result.n_rows:,} rows)"))
    else:
        say(
            console,
            Text.assemble(
                (f"{len(report.segments)} segment{'' if len(report.segments) == 1 else 's'}", "bold"),
                f" in {file_name} ({result.n_rows:,} rows), {stability_word(result.stability)} "
                f"(stability {result.stability:.2f} of 1)",
            ),
        )
    for line in _ranking_lines(report):
        say(console, line)
    choice = k_choice(result)
    say(console, Text(choice.sentence(), style="yellow" if choice.forced and choice.no_distinct else ""))
    tie = choice.tie_sentence()
    if tie and choice.alternative is not None:
        say(console, Text(f"{tie} {messages.K_TIE_CLI.format(other=choice.alternative)}", style="yellow"))
    say(console, Text("Columns", style="italic"))  # rich's own table title would be padded to the table's width
    console.print(_columns_table(result.columns))
    for line in _catalog_lines(report, workspace, database):
        say(console, line)
    for segment in report.segments:
        console.print(_segment_panel(segment, _empty_line(report, segment, workspace), noun=result.row_noun))
    # The engine's figures close the report: for the analyst who checks the choice of k, not the marketer's first read.
    say(console, Text("How the number of segments was chosen", style="italic"))
    say(console, _k_scores_line(result.k_scores, result.k))
    say(console, Text(f"Engine note: {result.k_reason}", style="dim"))


def _ranking_lines(report: ReportInput) -> list[Text]:
    """ "Where to start" with one line per place; only the note when the file says nothing of worth."""
    if report.ranking_note is not None:
        return [Text(report.ranking_note, style="yellow")]
    names = {s.profile.id: s.profile.name for s in report.segments}
    lines = [Text("Where to start", style="bold")]
    for place, ranked in enumerate(report.ranking, start=1):
        lines.append(Text(f"  {place}. {names[ranked.segment]} (segment {ranked.segment}): {ranked.reason}"))
    return lines


def _catalog_lines(report: ReportInput, workspace: str | None, database: str | None) -> list[Text]:
    """Which catalog the suggestions come from and what they rest on (no mix-up between workspaces)."""
    if report.catalog_size is None:
        return []
    whose = f"workspace {workspace}" if workspace else "this workspace"
    where = f" (database {database})" if database else ""
    lines = [Text(f"Influencer suggestions from the catalog of {whose}{where}: {report.catalog_size:,} creators.")]
    if report.evidence is not None and report.evidence.sentence() and report.catalog_size:
        lines.append(Text(report.evidence.sentence(), style="yellow"))
    return lines


def _empty_line(report: ReportInput, segment: SegmentReport, workspace: str | None) -> str:
    """What to say for a segment with no suggestion: import a catalog, too little evidence, or nobody fits."""
    if not report.catalog_size:
        option = f" --workspace {workspace}" if workspace else ""
        whose = f"workspace {workspace}" if workspace else "this workspace"
        return f"The catalog of {whose} is empty: import creators with `segbot influencers import PATH{option}`."
    if report.evidence is not None and report.evidence.withheld:
        return "None suggested: the file gives too little to match creators on (see above)."
    return no_match_sentence(report, segment) or "No creator in the catalog fits this segment."


def _k_scores_line(k_scores: Mapping[int, float], chosen: int) -> Text:
    """`Score per k (higher is better): 2 -40.3 · 3 -38.2 · ...` with the chosen k in bold."""
    line = Text("Score per k (higher is better): ")
    for index, (k, score) in enumerate(sorted(k_scores.items())):
        if index:
            line.append(" · ")
        line.append(f"{k}: {score:.2f}", style="bold green" if k == chosen else "")
    return line


def _columns_table(columns: Sequence[ColumnRole]) -> Table:
    table = Table()
    table.add_column("column")
    table.add_column("role")
    table.add_column("used")
    table.add_column("why")
    for column in columns:
        table.add_row(column.name, column.role, "yes" if column.used else "no", column.reason)
    return table


def _segment_panel(segment: SegmentReport, empty_line: str, *, noun: str) -> Panel:
    profile = segment.profile
    stability = f", stability {profile.stability:.2f}" if profile.share < 1 else ""
    lines: list[Text | Table] = [Text(f"{profile.size:,} {noun} ({percent(profile.share)}){stability}")]
    lines += [Text(f"  {outcome_sentence(outcome)}", style="cyan") for outcome in profile.outcomes]
    if profile.value is not None:
        lines.append(Text(f"Worth: {worth_phrase(profile, noun)}"))
    if profile.confidence_note:
        lines.append(Text(profile.confidence_note, style="yellow"))
    if profile.features:  # the whole audience (k = 1) has nothing to be set apart from
        lines.append(Text("What sets it apart", style="bold"))
        lines += [Text(f"  • {describe_feature(f)}") for f in profile.features[:MAX_FEATURES_SHOWN]]
    mix = _audience_lines(profile.audience)
    if mix:
        lines.append(Text("Audience mix", style="bold"))
        lines += [Text(f"  {line}") for line in mix]
    if segment.influencers is not None:
        lines.append(Text("Suggested influencers", style="bold"))
        lines += _influencer_lines(segment.influencers, empty_line)
    return Panel(Group(*lines), title=f"[bold]{profile.id}. {profile.name}[/bold]", title_align="left")


def _audience_lines(audience: AudienceMix) -> list[str]:
    lines = []
    if audience.age_bands:
        bands = sorted(audience.age_bands.items(), key=lambda item: -item[1])[:AGE_BANDS_SHOWN]
        lines.append("Age: " + ", ".join(f"{band} {percent(share)}" for band, share in bands if share > 0))
    if audience.gender:
        lines.append("Gender: " + ", ".join(f"{g} {percent(s)}" for g, s in audience.gender.items()))
    if audience.countries:
        lines.append(
            "Countries: "
            + ", ".join(
                f"{audience.country_names.get(code, code)} {percent(share)}"
                for code, share in audience.countries[:COUNTRIES_SHOWN]
            )
        )
    if audience.interests:
        lines.append(
            "Interests: "
            + ", ".join(f"{name} {percent(share)}" for name, share in audience.interests[:INTERESTS_SHOWN])
        )
    return lines


def _influencer_lines(influencers: Sequence[Suggestion], empty_line: str) -> list[Text]:
    if not influencers:
        return [Text(f"  {empty_line}")]
    lines = []
    for influencer in influencers:
        line = Text(f"  {influencer.platform} @{influencer.handle}", style="cyan")
        line.append(f"  score {influencer.score:.2f}", style="")
        if influencer.reasons:
            line.append(f" — {'; '.join(influencer.reasons[:MAX_REASONS_SHOWN])}", style="")
        if influencer.flags:
            line.append(f"  ⚠ {'; '.join(influencer.flags)}", style="yellow")
        lines.append(line)
    return lines
