"""`/influencers import` (a form with a file input) and `/influencers list [topic]`."""

from __future__ import annotations

from bot.errors import SegbotError
from bot.report.render import render_influencer_list
from bot.slack.catalog_modal import catalog_import_modal
from bot.slack.commands import CommandRegistry, CommandRequest
from bot.storage.influencers import InfluencerRepository

INFLUENCERS = "/influencers"


def register(registry: CommandRegistry) -> None:
    registry.add(
        INFLUENCERS,
        "import",
        open_import_form,
        usage="/influencers import",
        summary="add creators from a CSV or XLSX (a form; or share the file with the message `influencers import`)",
    )
    registry.add(
        INFLUENCERS,
        "list",
        list_influencers,
        usage="/influencers list [topic]",
        summary="the catalog's creators, largest first, optionally only those on a topic",
    )


def open_import_form(request: CommandRequest) -> None:
    if not request.trigger_id:
        raise SegbotError("Slack did not send what Segbot needs to open the form; run `/influencers import` again.")
    request.client.views_open(trigger_id=request.trigger_id, view=catalog_import_modal(request.channel_id))


def list_influencers(request: CommandRequest) -> None:
    topic = request.args.strip() or None
    catalog = InfluencerRepository(request.runtime.engine)
    stored = catalog.list(request.workspace_id, topic=topic)
    if not stored and topic and not catalog.count(request.workspace_id):
        topic = None  # an empty catalog: say how to fill it rather than "try /influencers list"
    request.reply(render_influencer_list([item.entry for item in stored], topic))
