"""Tables of the Slack app: handled event receipts and the job queue.

Revision ID: 0003_slack
Revises: 0002_influencers
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_slack"
down_revision = "0002_influencers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_event_receipts",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_slack_event_receipts"),
    )
    op.create_table(
        "slack_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_slack_jobs"),
    )
    op.create_index("ix_slack_jobs_status_id", "slack_jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_slack_jobs_status_id", table_name="slack_jobs")
    op.drop_table("slack_jobs")
    op.drop_table("slack_event_receipts")
