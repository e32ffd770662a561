"""Block Kit ids shared by the renderers and the Slack listeners: action ids, callback ids, block ids.

Every button's `value` is the run id as a decimal string (`run_value` / `run_id_from_value`); the re-run
modal carries the run id in `private_metadata`, and k, the value column and the outcome columns in its input
blocks below.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.report.rerun_choices import AUTO

# Buttons on a report (value: the run id).
SHOW_DETAILS = "segbot_show_details"
DOWNLOAD_LABELS = "segbot_download_labels"
OPEN_RERUN = "segbot_open_rerun"
# "Show 5 segments" on a near tie (value: "<run id>:<k>"): re-runs at once with the other k.
RERUN_ALTERNATIVE = "segbot_rerun_alternative"
# "Campaign brief" on each segment of a report (value: "<run id>:<segment id>").
SHOW_BRIEF = "segbot_show_brief"
# "Show report" next to a run in `/segment runs` and on the Home tab (value: the run id).
SHOW_RUN = "segbot_show_run"

# The re-run modal.
RERUN_CALLBACK = "segbot_rerun_modal"
RERUN_K_BLOCK = "segbot_rerun_k_block"
RERUN_K_INPUT = "segbot_rerun_k"
RERUN_VALUE_BLOCK = "segbot_rerun_value_block"
RERUN_VALUE_INPUT = "segbot_rerun_value"
RERUN_OUTCOME_BLOCK = "segbot_rerun_outcome_block"
RERUN_OUTCOME_INPUT = "segbot_rerun_outcome"
MIN_K = 1
MAX_K = 12

# Block ids Slack listeners may look for.
REPORT_ACTIONS_BLOCK = "segbot_report_actions"


@dataclass(frozen=True)
class RerunRequest:
    run_id: int
    k: int


@dataclass(frozen=True)
class RerunForm:
    """A submitted re-run modal: the run, k, and the raw value and outcome options (`bot.report.rerun_choices`)."""

    run_id: int
    k: int
    value_option: str
    outcome_options: tuple[str, ...]


def run_value(run_id: int) -> str:
    return str(run_id)


def run_id_from_value(value: str) -> int:
    """The run id a button carries; raises ValueError for anything else."""
    run_id = int(value)
    if run_id < 1:
        raise ValueError(f"not a run id: {value!r}")
    return run_id


def alternative_value(run_id: int, k: int) -> str:
    return f"{run_id}:{k}"


def alternative_from_value(value: str) -> RerunRequest:
    """The run id and k a "Show k segments" button carries; raises ValueError for anything else."""
    run_text, _, k_text = value.partition(":")
    k = int(k_text)
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"k must be between {MIN_K} and {MAX_K}, got {k}")
    return RerunRequest(run_id=run_id_from_value(run_text), k=k)


def brief_value(run_id: int, segment: int) -> str:
    return f"{run_id}:{segment}"


def brief_from_value(value: str) -> tuple[int, int]:
    """The run id and segment id a "Campaign brief" button carries; raises ValueError for anything else."""
    run, _, segment = value.partition(":")
    return run_id_from_value(run), int(segment)


def rerun_metadata(run_id: int) -> str:
    return json.dumps({"run_id": run_id})


def rerun_request(view: Mapping[str, Any]) -> RerunForm:
    """The run id, k and menu choices of a submitted re-run modal (`body["view"]`); raises ValueError when k is
    not 1..12. A menu missing from the submission (a modal opened before the menus existed) means "found
    automatically"."""
    run_id = int(json.loads(view["private_metadata"])["run_id"])
    values = view["state"]["values"]
    raw_k = values[RERUN_K_BLOCK][RERUN_K_INPUT]["value"]
    k = int(str(raw_k).strip())
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"k must be between {MIN_K} and {MAX_K}, got {k}")
    value = (values.get(RERUN_VALUE_BLOCK, {}).get(RERUN_VALUE_INPUT) or {}).get("selected_option") or {}
    outcome = values.get(RERUN_OUTCOME_BLOCK, {}).get(RERUN_OUTCOME_INPUT)
    outcomes = [AUTO] if outcome is None else [str(o["value"]) for o in outcome.get("selected_options") or ()]
    return RerunForm(run_id, k, str(value.get("value", AUTO)), tuple(outcomes))
