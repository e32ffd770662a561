"""Tables of named datasets, their versions and sources, digest subscriptions and digest deliveries."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.storage.metadata import metadata

# A name per workspace ("newsletter", "shop-customers"); runs carry the same name in `runs.dataset_name`.
datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_datasets_workspace_name"),
)

# Version n of a dataset is one run; the unique pairs keep numbering and run links single under concurrency.
dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Segment identities across versions: engine id -> [tracked id, tracked name], set by digests.
    Column("identities", JSON, nullable=True),
    UniqueConstraint("dataset_id", "version", name="uq_dataset_versions_dataset_version"),
    UniqueConstraint("run_id", name="uq_dataset_versions_run_id"),
)

# Where Segbot pulls a dataset from: a file path, an HTTPS URL, or a SQL query against a database.
# URLs (which can carry passwords or signed tokens) are stored Fernet-encrypted in `secret`; `display` is
# the masked form shown to people.
dataset_sources = Table(
    "dataset_sources",
    metadata,
    Column("dataset_id", Integer, ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("path", Text, nullable=True),
    Column("secret", Text, nullable=True),
    Column("display", Text, nullable=False),
    Column("query", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A weekly digest of one dataset in one channel, at a local weekday and time in a time zone.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("dataset_id", Integer, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", String(64), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("hour", Integer, nullable=False),
    Column("minute", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("paused", Boolean, nullable=False, default=False),
    Column("paused_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=True),
    UniqueConstraint("workspace_id", "dataset_id", "channel_id", name="uq_subscriptions_workspace_dataset_channel"),
)

# One row per (subscription, due slot): the unique pair is the claim, so each slot posts once across
# processes. A claim whose lease ran out (its process died) may be taken over.
digest_deliveries = Table(
    "digest_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("slot_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("lease_owner", String(128), nullable=True),
    Column("lease_expires_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
    Column("message_ts", String(32), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("subscription_id", "slot_at", name="uq_digest_deliveries_subscription_slot"),
)
Index("ix_digest_deliveries_status", digest_deliveries.c.status, digest_deliveries.c.lease_expires_at)

# `/segment dataset NAME`: the dataset name of the next upload in a channel (used once, then removed).
channel_dataset_names = Table(
    "channel_dataset_names",
    metadata,
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("channel_id", String(64), primary_key=True),
    Column("dataset_name", String(255), nullable=False),
    Column("set_by", String(64), nullable=True),
    Column("set_at", DateTime(timezone=True), nullable=False),
)
