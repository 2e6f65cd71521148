"""The ConfigHub tables as SQLAlchemy Core metadata (the schema is Alembic's 0002)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# MySQL TEXT stops at 64 KB; values, audit copies and event bodies may be longer.
LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")


def key_string(length: int) -> sa.types.TypeEngine[str]:
    """Keys compare case-sensitively on MySQL too (its default collation folds case),
    so ``Foo`` and ``foo`` are two applications on every store, as on SQLite."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql"
    )


metadata = sa.MetaData()

config_group = sa.Table(
    "config_group",
    metadata,
    sa.Column("config_group_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("group_name", key_string(128), nullable=False, unique=True),
    sa.Column("create_dttm", sa.DateTime, nullable=False),
    sa.Column("update_dttm", sa.DateTime, nullable=False),
)

config = sa.Table(
    "config",
    metadata,
    sa.Column("config_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("prop", key_string(255), nullable=False),
    sa.Column("val", LONG_TEXT, nullable=False),
    sa.Column("val_type", sa.String(16), nullable=False),
    sa.Column("description", sa.String(1024)),
    sa.Column("application", key_string(128), nullable=False),
    sa.Column("profile", key_string(128)),
    sa.Column("profile_key", key_string(128), nullable=False),
    sa.Column("label", key_string(128), nullable=False),
    sa.Column("config_group_id", sa.Integer, sa.ForeignKey("config_group.config_group_id")),
    sa.Column("ui_consume", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_by", sa.String(255), nullable=False),
    sa.Column("create_dttm", sa.DateTime, nullable=False),
    sa.Column("update_dttm", sa.DateTime, nullable=False),
)

config_audit = sa.Table(
    "config_audit",
    metadata,
    sa.Column("config_audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("config_id", sa.Integer, nullable=False),
    sa.Column("prop", sa.String(255)),
    sa.Column("operation", sa.String(16), nullable=False),
    sa.Column("old_val", LONG_TEXT),
    sa.Column("new_val", LONG_TEXT),
    sa.Column("old_version", sa.Integer),
    sa.Column("new_version", sa.Integer),
    sa.Column("updated_by", sa.String(255), nullable=False),
    sa.Column("reason", sa.String(1024)),
    sa.Column("request_id", sa.String(128)),
    sa.Column("create_dttm", sa.DateTime, nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("outbox_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("hub", sa.String(128), nullable=False),
    sa.Column("partition_key", sa.String(128), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("body", LONG_TEXT, nullable=False),
    sa.Column("create_dttm", sa.DateTime, nullable=False),
    sa.Column("sent_dttm", sa.DateTime),
    sa.Column("attempts", sa.Integer, nullable=False),
)

outbox_lease = sa.Table(
    "outbox_lease",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(64)),
    sa.Column("expires_at", sa.Double, nullable=False),
)
