"""Tables for the influencer catalog: creators per workspace, pins and blocks, and the suggestions made."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from bot.storage.metadata import metadata

# Handles are stored lower-case without "@": (workspace, platform, handle) names one creator.
influencers = Table(
    "influencers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("name", String(255), nullable=True),
    Column("followers", BigInteger, nullable=True),  # NULL: the export left it blank
    Column("engagement_rate", Float, nullable=True),
    Column("topics", JSON, nullable=False),
    Column("audience_country", String(2), nullable=True),
    Column("audience_age", String(8), nullable=True),
    Column("audience_female_pct", Float, nullable=True),
    Column("avg_likes", Float, nullable=True),
    Column("avg_views", Float, nullable=True),
    Column("price", Float, nullable=True),
    Column("source", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "platform", "handle", name="uq_influencers_workspace_platform_handle"),
)
Index("ix_influencers_workspace_country", influencers.c.workspace_id, influencers.c.audience_country)

# A workspace's choice about one creator: "pin" (favour when relevant) or "block" (never suggest).
influencer_choices = Table(
    "influencer_choices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("choice", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "platform", "handle", name="uq_influencer_choices_workspace_platform_handle"),
)

# What was suggested for which segment of which run (aggregates only, like the run itself).
influencer_suggestions = Table(
    "influencer_suggestions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("workspace_id", String(64), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("segment_id", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("platform", String(32), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("pinned", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_influencer_suggestions_run", influencer_suggestions.c.run_id, influencer_suggestions.c.segment_id)
Index("ix_influencer_suggestions_workspace", influencer_suggestions.c.workspace_id)
