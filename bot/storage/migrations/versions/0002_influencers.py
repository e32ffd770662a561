"""Influencer catalog, pins and blocks, and the suggestions made per run.

Revision ID: 0002_influencers
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_influencers"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "influencers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("followers", sa.BigInteger(), nullable=False),
        sa.Column("engagement_rate", sa.Float(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("audience_country", sa.String(2), nullable=True),
        sa.Column("audience_age", sa.String(8), nullable=True),
        sa.Column("audience_female_pct", sa.Float(), nullable=True),
        sa.Column("avg_likes", sa.Float(), nullable=True),
        sa.Column("avg_views", sa.Float(), nullable=True),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("source", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_influencers_workspace_id_workspaces", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_influencers"),
        sa.UniqueConstraint("workspace_id", "platform", "handle", name="uq_influencers_workspace_platform_handle"),
    )
    op.create_index("ix_influencers_workspace_country", "influencers", ["workspace_id", "audience_country"])
    op.create_table(
        "influencer_choices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("choice", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_influencer_choices_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_influencer_choices"),
        sa.UniqueConstraint(
            "workspace_id", "platform", "handle", name="uq_influencer_choices_workspace_platform_handle"
        ),
    )
    op.create_table(
        "influencer_suggestions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("pinned", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_influencer_suggestions_run_id_runs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_influencer_suggestions_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_influencer_suggestions"),
    )
    op.create_index(
        "ix_influencer_suggestions_run", "influencer_suggestions", ["run_id", "segment_id"]
    )
    op.create_index("ix_influencer_suggestions_workspace", "influencer_suggestions", ["workspace_id"])


def downgrade() -> None:
    op.drop_index("ix_influencer_suggestions_workspace", table_name="influencer_suggestions")
    op.drop_index("ix_influencer_suggestions_run", table_name="influencer_suggestions")
    op.drop_table("influencer_suggestions")
    op.drop_table("influencer_choices")
    op.drop_index("ix_influencers_workspace_country", table_name="influencers")
    op.drop_table("influencers")
