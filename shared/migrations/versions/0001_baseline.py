"""Baseline: an empty schema that context revisions build on.

Revision ID: 0001
Revises:
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing: the first context revision creates the first tables."""


def downgrade() -> None:
    """Nothing to undo."""
