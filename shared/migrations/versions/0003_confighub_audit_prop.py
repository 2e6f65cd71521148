"""ConfigHub: the audit row names its property, so history outlives a deleted config
(and a deleted secret's history stays masked).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("config_audit") as batch:
        batch.add_column(sa.Column("prop", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("config_audit") as batch:
        batch.drop_column("prop")
