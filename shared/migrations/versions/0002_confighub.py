"""ConfigHub: configs, groups, the append-only audit and the transactional outbox.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from alembic import op

# MySQL TEXT stops at 64 KB; values, audit copies and event bodies may be longer.
LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")


def key_string(length: int) -> sa.types.TypeEngine[str]:
    """Keys compare case-sensitively on MySQL too (its default collation folds case),
    so ``Foo`` and ``foo`` are two applications on every store, as on SQLite."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql"
    )


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "config_group",
        sa.Column("config_group_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("group_name", key_string(128), nullable=False),
        sa.Column("create_dttm", sa.DateTime, nullable=False),
        sa.Column("update_dttm", sa.DateTime, nullable=False),
        sa.UniqueConstraint("group_name", name="uq_config_group_name"),
    )
    op.create_table(
        "config",
        sa.Column("config_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("prop", key_string(255), nullable=False),
        sa.Column("val", LONG_TEXT, nullable=False),
        sa.Column("val_type", sa.String(16), nullable=False),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("application", key_string(128), nullable=False),
        sa.Column("profile", key_string(128), nullable=True),
        # NULL profile is the base layer; SQL unique keys treat NULLs as distinct, so the
        # uniqueness rule is enforced on this non-null twin of ``profile`` ('' for NULL).
        sa.Column("profile_key", key_string(128), nullable=False),
        sa.Column("label", key_string(128), nullable=False),
        sa.Column(
            "config_group_id",
            sa.Integer,
            sa.ForeignKey("config_group.config_group_id", name="fk_config_group"),
            nullable=True,
        ),
        sa.Column("ui_consume", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(255), nullable=False),
        sa.Column("create_dttm", sa.DateTime, nullable=False),
        sa.Column("update_dttm", sa.DateTime, nullable=False),
        sa.UniqueConstraint("application", "profile_key", "label", "prop", name="uq_config_key"),
    )
    op.create_index("ix_config_layer", "config", ["application", "label", "profile"])
    op.create_index("ix_config_group", "config", ["config_group_id"])
    op.create_table(
        "config_audit",
        sa.Column("config_audit_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("config_id", sa.Integer, nullable=False),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("old_val", LONG_TEXT, nullable=True),
        sa.Column("new_val", LONG_TEXT, nullable=True),
        sa.Column("old_version", sa.Integer, nullable=True),
        sa.Column("new_version", sa.Integer, nullable=True),
        sa.Column("updated_by", sa.String(255), nullable=False),
        sa.Column("reason", sa.String(1024), nullable=True),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("create_dttm", sa.DateTime, nullable=False),
    )
    op.create_index("ix_config_audit_config", "config_audit", ["config_id", "config_audit_id"])
    op.create_table(
        "outbox",
        sa.Column("outbox_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hub", sa.String(128), nullable=False),
        sa.Column("partition_key", sa.String(128), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("body", LONG_TEXT, nullable=False),
        sa.Column("create_dttm", sa.DateTime, nullable=False),
        sa.Column("sent_dttm", sa.DateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_outbox_pending", "outbox", ["sent_dttm", "outbox_id"])
    op.create_table(
        "outbox_lease",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("expires_at", sa.Float, nullable=False, server_default="0"),
    )
    op.bulk_insert(
        sa.table("outbox_lease", sa.column("name", sa.String), sa.column("expires_at", sa.Float)),
        [{"name": "confighub-relay", "expires_at": 0.0}],
    )


def downgrade() -> None:
    op.drop_table("outbox_lease")
    op.drop_table("outbox")
    op.drop_table("config_audit")
    op.drop_table("config")
    op.drop_table("config_group")
