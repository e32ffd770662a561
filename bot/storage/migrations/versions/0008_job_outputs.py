"""A job records what it made (its run, the ts of its Slack posts), so a retried job makes each exactly once.

Revision ID: 0008_job_outputs
Revises: 0007_run_choices
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_job_outputs"
down_revision = "0007_run_choices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_jobs") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outputs", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("slack_jobs") as batch:
        batch.drop_column("outputs")
        batch.drop_column("run_id")
