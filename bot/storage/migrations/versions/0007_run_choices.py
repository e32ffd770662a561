"""A run remembers the value and outcome columns chosen in the re-run modal, so a re-run or a labels export
segments the file the same way (NULL: both found automatically, as before).

Revision ID: 0007_run_choices
Revises: 0006_followers_unknown
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_run_choices"
down_revision = "0006_followers_unknown"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("choices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("choices")
