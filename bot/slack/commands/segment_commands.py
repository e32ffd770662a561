"""`/segment help`, `/segment last`, `/segment runs` and `/segment k=N`."""

from __future__ import annotations

from bot.errors import NotFoundError, SegbotError
from bot.report.actions import MAX_K, MIN_K
from bot.report.escaping import mrkdwn_format
from bot.report.limits import shorten
from bot.report.render import render_brief, render_help, render_report, render_runs
from bot.report.view_model import FILE_NAME_LENGTH
from bot.services.report_data import stored_report
from bot.slack.commands import CommandRegistry, CommandRequest
from bot.slack.rerun import queue_rerun
from bot.slack.visibility import require_conversation_access
from bot.storage.runs import RunRepository, StoredRun

SEGMENT = "/segment"
RECENT_RUNS = 10


def register(registry: CommandRegistry) -> None:
    registry.add(SEGMENT, "help", show_help, usage="/segment help", summary="what Segbot can do")
    registry.add(SEGMENT, "last", show_last, usage="/segment last", summary="this channel's latest report again")
    registry.add(SEGMENT, "runs", show_runs, usage="/segment runs", summary="this channel's recent runs")
    registry.add(
        SEGMENT,
        "k=N",
        rerun_latest,
        usage="/segment k=N",
        summary=f"re-run this channel's latest upload with exactly N segments ({MIN_K}-{MAX_K})",
        pattern=r"k\s*=\s*(\S+)",
    )
    registry.add(
        SEGMENT,
        "brief",
        show_brief,
        usage="/segment brief N",
        summary="the campaign brief of segment N of this channel's latest report",
    )


def show_help(request: CommandRequest) -> None:
    request.reply(render_help())


def show_last(request: CommandRequest) -> None:
    run = latest_run(request)
    report = stored_report(request.runtime.engine, run)
    request.reply(render_report(report, file_name=run.file_name, run_id=run.id))


def show_runs(request: CommandRequest) -> None:
    check_access(request)
    runs = RunRepository(request.runtime.engine).recent(
        request.workspace_id, channel_id=request.channel_id, limit=RECENT_RUNS
    )
    request.reply(render_runs(runs))


def show_brief(request: CommandRequest) -> None:
    raw = request.args.strip()
    if not raw.isdigit():
        raise SegbotError("Name the segment by its number, for example `/segment brief 2`.")
    run = latest_run(request)
    report = stored_report(request.runtime.engine, run)
    request.reply(render_brief(report, int(raw), run_id=run.id))


def rerun_latest(request: CommandRequest) -> None:
    assert request.match is not None
    k = parse_k(request.match.group(1))
    run = latest_run(request)
    queue_rerun(request.runtime, request.client, run, k, user_id=request.user_id)
    request.say(
        mrkdwn_format(
            "Re-running {name} with k={k}; the report will appear in its thread.",
            name=shorten(run.file_name, FILE_NAME_LENGTH),
            k=k,
        )
    )


def parse_k(raw: str) -> int:
    if not raw.isdigit() or not MIN_K <= int(raw) <= MAX_K:
        raise SegbotError(f"k must be a whole number from {MIN_K} to {MAX_K}, for example `/segment k=4`.")
    return int(raw)


def check_access(request: CommandRequest) -> None:
    """This conversation's runs only for its members (a command can be typed where a run came from only by
    its members, but Slack, not the request, is asked)."""
    require_conversation_access(
        request.runtime, request.client, request.workspace_id, request.channel_id, request.user_id
    )


def latest_run(request: CommandRequest) -> StoredRun:
    check_access(request)
    run = RunRepository(request.runtime.engine).latest(request.workspace_id, channel_id=request.channel_id)
    if run is None:
        raise NotFoundError("There is no report in this channel yet; share a CSV file here and Segbot will segment it.")
    return run
