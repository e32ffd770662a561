"""A wide CRM export (about 50 empty custom fields) gets its report, and `/segment last` shows it again."""

from __future__ import annotations

import csv
import io

import numpy as np

from tests.slack.harness import RunningBot
from tests.slack.sender import CHANNEL

CUSTOM_FIELDS = 52


def crm_export(rows: int = 240) -> bytes:
    rng = np.random.default_rng(3)
    out = io.StringIO()
    writer = csv.writer(out)
    custom = [
        f"Custom Field {i} (Salesforce sync, do not edit) - Q{i % 4 + 1} campaign attribution"
        for i in range(CUSTOM_FIELDS)
    ]
    writer.writerow(["contact_id", "age", "lifetime_value", "country", *custom])
    for i in range(rows):
        group = i % 3
        writer.writerow(
            [
                f"C{i:06d}",
                int(rng.normal((24, 41, 63)[group], 3)),
                round(float(rng.normal((50, 400, 2000)[group], 20)), 2),
                ("Brazil", "Germany", "Japan")[group],
                *[""] * CUSTOM_FIELDS,
            ]
        )
    return out.getvalue().encode()


def test_a_wide_crm_export_gets_its_report_and_segment_last_works(sqlite_bot: RunningBot) -> None:
    shared = sqlite_bot.fake.share_file("crm-export.csv", crm_export(), channel=CHANNEL)
    sqlite_bot.sender.event(shared.events[0])
    sqlite_bot.fake.wait_for("files.completeUploadExternal", timeout=90)
    assert sqlite_bot.wait_for_jobs() == {"done": 1}
    report = sqlite_bot.fake.messages()[-1]
    assert "segments in crm-export.csv" in report["text"]
    [columns_note] = [
        element["text"]
        for block in report["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if "*Ignored:*" in element.get("text", "")
    ]
    assert "*Ignored:*" in columns_note and f"and {CUSTOM_FIELDS - 4} more (100% missing)" in columns_note
    assert len(columns_note) <= 3000

    sqlite_bot.sender.command("/segment", "last")
    [last] = sqlite_bot.fake.wait_for("response_url")
    assert "segments in crm-export.csv" in last.params["text"] and last.params["blocks"]
