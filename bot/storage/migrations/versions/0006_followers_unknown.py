"""A creator's follower count may be unknown: an export's `n/a`, `-` or `—` imports the creator without one.

Revision ID: 0006_followers_unknown
Revises: 0005_slack_oauth
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_followers_unknown"
down_revision = "0005_slack_oauth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("influencers") as batch:
        batch.alter_column("followers", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    op.execute(sa.text("UPDATE influencers SET followers = 0 WHERE followers IS NULL"))
    with op.batch_alter_table("influencers") as batch:
        batch.alter_column("followers", existing_type=sa.BigInteger(), nullable=False)
