"""When a job's broker message was sent, so a worker can send again the jobs whose web process died first.

Revision ID: 0009_job_sent_at
Revises: 0008_job_outputs
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_job_sent_at"
down_revision = "0008_job_outputs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_jobs") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("slack_jobs") as batch:
        batch.drop_column("sent_at")
