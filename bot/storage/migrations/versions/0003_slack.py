"""Tables for the slack feature.

Revision ID: 0003_slack
Revises: 0002_influencers
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_slack"
down_revision = "0002_influencers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
