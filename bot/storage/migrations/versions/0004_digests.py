"""Tables for the digests feature.

Revision ID: 0004_digests
Revises: 0003_slack
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_digests"
down_revision = "0003_slack"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
