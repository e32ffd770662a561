"""Tables of the Slack app: events already handled (deduplication) and the job queue between web and workers.

The OAuth installation and state tables belong to slack_sdk's SQLAlchemy stores, which create their own
tables at start-up (`bot.slack.oauth`); they are not part of this metadata.
"""

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from bot.storage.metadata import metadata

# One row per Slack delivery already accepted: `event:<event_id>` for Events API ids and
# `file:<team>:<channel>:<file_id>` for a shared file (a `file_share` message and a `file_shared`
# event for the same file share one key). The primary key makes a second insert fail in any process.
slack_event_receipts = Table(
    "slack_event_receipts",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("workspace_id", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# Background work: queued by the web process, claimed by any worker thread of any process.
slack_jobs = Table(
    "slack_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(128), nullable=True),
    Column("lease_expires_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("error", Text, nullable=True),
    # What the job made, so a retried job makes it once: its run, and its Slack posts by name (`report_ts`, ...).
    Column("run_id", Integer, nullable=True),
    Column("outputs", JSON, nullable=True),
    # When the broker took the job's message (None without a broker, or when its web process died before sending).
    Column("sent_at", DateTime(timezone=True), nullable=True),
)
Index("ix_slack_jobs_status_id", slack_jobs.c.status, slack_jobs.c.id)
