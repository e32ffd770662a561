"""Core tables: workspaces (a Slack team, or `local` for the CLI) and segmentation runs."""

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from bot.storage.metadata import metadata

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A run keeps only aggregates (profiles, column roles): customer rows are never stored.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("dataset_name", String(255), nullable=False),
    Column("file_name", String(512), nullable=False),
    Column("file_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=True),
    Column("channel_id", String(64), nullable=True),
    Column("thread_ts", String(32), nullable=True),
    Column("source_file_id", String(64), nullable=True),
    Column("n_rows", Integer, nullable=False),
    Column("k", Integer, nullable=False),
    Column("stability", Float, nullable=False),
    Column("seed", Integer, nullable=False, default=0),
    Column("forced_k", Integer, nullable=True),
    # The value / outcome columns chosen in the re-run modal (`RunChoices`); NULL: found automatically.
    Column("choices", JSON, nullable=True),
    Column("profiles", JSON, nullable=False),
    Column("column_roles", JSON, nullable=False),
    Column("summary", Text, nullable=True),
)
Index("ix_runs_workspace_created", runs.c.workspace_id, runs.c.created_at)
Index("ix_runs_workspace_channel", runs.c.workspace_id, runs.c.channel_id)
