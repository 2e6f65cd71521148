"""ConfigHub: the relay lease's expiry is a DOUBLE. MySQL's FLOAT is single precision,
so an expiry in epoch seconds was kept only to within 128 s: a 60 s lease could lapse the
moment it was taken (two relays sending at once) or outlive its holder by a minute.
SQLite's REAL was always double precision.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_lease") as batch:
        batch.alter_column(
            "expires_at",
            existing_type=sa.Float(),
            type_=sa.Double(),
            existing_nullable=False,
            existing_server_default="0",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_lease") as batch:
        batch.alter_column(
            "expires_at",
            existing_type=sa.Double(),
            type_=sa.Float(),
            existing_nullable=False,
            existing_server_default="0",
        )
