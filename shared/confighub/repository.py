"""ConfigHub persistence on SQLAlchemy Core: the same statements on MySQL and SQLite.

Writes go through a ``UnitOfWork``: the change, its audit row and its outbox row share
one transaction that rolls back unless ``commit()`` is called. Version checks are
conditional UPDATE/DELETE statements, so a stale ``If-Match`` can never win a race.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from shared.confighub.common import encode_token
from shared.confighub.model import AuditEntry, Config, ConfigGroup, ConfigQuery
from shared.confighub.repository_tables import config, config_audit, config_group, outbox
from shared.confighub.spring import Layer, Row
from shared.errors import Conflict, Unavailable


def _config(row: Any) -> Config:
    return Config.model_validate(dict(row._mapping))


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _prefix_filter(column: sa.Column[str], prefix: str) -> list[sa.ColumnElement[bool]]:
    """``column`` starts with ``prefix``, case-sensitively on every store.

    SQLite's LIKE folds ASCII case while MySQL's ``utf8mb4_bin`` does not, so the prefix
    is a code-point range (binary on both, and index-friendly). The LIKE stays as well:
    a PAD SPACE collation (MySQL's ``_bin``) compares ``'a'`` equal to ``'a '``, which
    only LIKE tells apart.
    """
    clauses = [column.startswith(prefix, autoescape=True), column >= prefix]
    upper = prefix.rstrip(chr(sys.maxunicode))
    if upper:
        following = ord(upper[-1]) + 1
        following = 0xE000 if 0xD800 <= following < 0xE000 else following  # no surrogates
        clauses.append(column < upper[:-1] + chr(following))
    return clauses


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise Unavailable(f"configuration database unavailable ({type(exc).__name__})") from None


class UnitOfWork:
    """One transaction; leaving the block without ``commit()`` rolls everything back."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        with _translated():
            self._conn = self._engine.connect()
            self._conn.begin()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None
        try:
            if not self._committed:
                self._conn.rollback()
        finally:
            self._conn.close()

    @property
    def conn(self) -> sa.Connection:
        assert self._conn is not None, "use the unit of work in a with block"
        return self._conn

    def commit(self) -> None:
        with _translated():
            self.conn.commit()
        self._committed = True

    def _execute(self, statement: Any, conflict: str | None = None) -> sa.CursorResult[Any]:
        try:
            with _translated():
                return self.conn.execute(statement)
        except IntegrityError:
            if conflict is None:
                raise
            raise Conflict(conflict, code="DUPLICATE") from None

    # --- configs -----------------------------------------------------------------
    def get_config(self, config_id: int) -> Config | None:
        row = self._execute(sa.select(config).where(config.c.config_id == config_id)).first()
        return _config(row) if row else None

    def insert_config(self, values: dict[str, Any]) -> int:
        values = {**values, "profile_key": values["profile"] or ""}
        result = self._execute(
            config.insert().values(**values),
            conflict="a property with this application, profile, label and name exists",
        )
        return _new_id(result)

    def update_config(self, config_id: int, expected_version: int, values: dict[str, Any]) -> bool:
        result = self._execute(
            config.update()
            .where(config.c.config_id == config_id, config.c.version == expected_version)
            .values(**values)
        )
        return result.rowcount == 1

    def delete_config(self, config_id: int, expected_version: int) -> bool:
        result = self._execute(
            config.delete().where(
                config.c.config_id == config_id, config.c.version == expected_version
            )
        )
        return result.rowcount == 1

    def add_audit(self, values: dict[str, Any]) -> int:
        result = self._execute(config_audit.insert().values(**values))
        return _new_id(result)

    def get_audit(self, audit_id: int) -> AuditEntry | None:
        row = self._execute(
            sa.select(config_audit).where(config_audit.c.config_audit_id == audit_id)
        ).first()
        return AuditEntry.model_validate(dict(row._mapping)) if row else None

    def add_outbox(
        self, hub: str, partition_key: str, event_type: str, body: str, created_at: datetime
    ) -> None:
        self._execute(
            outbox.insert().values(
                hub=hub,
                partition_key=partition_key,
                event_type=event_type,
                body=body,
                create_dttm=created_at,
                attempts=0,
            )
        )

    # --- groups ------------------------------------------------------------------
    def get_group(self, group_id: int) -> ConfigGroup | None:
        row = self._execute(
            sa.select(config_group).where(config_group.c.config_group_id == group_id)
        ).first()
        return ConfigGroup.model_validate(dict(row._mapping)) if row else None

    def insert_group(self, name: str, now: datetime) -> int:
        result = self._execute(
            config_group.insert().values(group_name=name, create_dttm=now, update_dttm=now),
            conflict=f"a config group named {name!r} exists",
        )
        return _new_id(result)

    def rename_group(self, group_id: int, name: str, now: datetime) -> bool:
        result = self._execute(
            config_group.update()
            .where(config_group.c.config_group_id == group_id)
            .values(group_name=name, update_dttm=now),
            conflict=f"a config group named {name!r} exists",
        )
        return result.rowcount == 1

    def group_in_use(self, group_id: int) -> bool:
        row = self._execute(
            sa.select(config.c.config_id).where(config.c.config_group_id == group_id).limit(1)
        ).first()
        return row is not None

    def delete_group(self, group_id: int) -> bool:
        result = self._execute(
            config_group.delete().where(config_group.c.config_group_id == group_id),
            conflict=f"config group {group_id} still holds configs",
        )
        return result.rowcount == 1


class ConfigStore:
    """Reads that need no transaction, and the factory of units of work."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def _rows(self, statement: Any) -> Sequence[Any]:
        with _translated(), self.engine.connect() as conn:
            return conn.execute(statement).all()

    def get_config(self, config_id: int) -> Config | None:
        rows = self._rows(sa.select(config).where(config.c.config_id == config_id))
        return _config(rows[0]) if rows else None

    def list_configs(self, query: ConfigQuery) -> tuple[list[Config], str | None]:
        statement = sa.select(config).where(config.c.config_id > query.after_id)
        if query.application is not None:
            statement = statement.where(config.c.application == query.application)
        if query.profile is not None:
            statement = statement.where(config.c.profile_key == query.profile)
        if query.label is not None:
            statement = statement.where(config.c.label == query.label)
        if query.group_id is not None:
            statement = statement.where(config.c.config_group_id == query.group_id)
        if query.prop:
            statement = statement.where(*_prefix_filter(config.c.prop, query.prop))
        rows = self._rows(statement.order_by(config.c.config_id).limit(query.limit + 1))
        items = [_config(row) for row in rows[: query.limit]]
        token = encode_token(items[-1].config_id) if len(rows) > query.limit else None
        return items, token

    def list_audit(self, config_id: int) -> list[AuditEntry]:
        rows = self._rows(
            sa.select(config_audit)
            .where(config_audit.c.config_id == config_id)
            .order_by(config_audit.c.config_audit_id.desc())
        )
        return [AuditEntry.model_validate(dict(row._mapping)) for row in rows]

    def list_groups(self) -> list[ConfigGroup]:
        rows = self._rows(sa.select(config_group).order_by(config_group.c.config_group_id))
        return [ConfigGroup.model_validate(dict(row._mapping)) for row in rows]

    def get_group(self, group_id: int) -> ConfigGroup | None:
        rows = self._rows(sa.select(config_group).where(config_group.c.config_group_id == group_id))
        return ConfigGroup.model_validate(dict(rows[0]._mapping)) if rows else None

    def fetch_layers(self, layers: Sequence[Layer]) -> list[Row]:
        """Every row of every requested layer in one query, in insertion order (the
        order a JDBC backend's un-ordered SELECT returns)."""
        if not layers:
            return []
        profiles = sorted({layer.profile for layer in layers if layer.profile is not None})
        statement = (
            sa.select(
                config.c.application, config.c.profile, config.c.label, config.c.prop, config.c.val
            )
            .where(
                config.c.application.in_(sorted({layer.application for layer in layers})),
                config.c.label.in_(sorted({layer.label for layer in layers})),
                sa.or_(config.c.profile.is_(None), config.c.profile.in_(profiles)),
            )
            .order_by(config.c.config_id)
        )
        return list(map(Row._make, self._rows(statement)))

    def ui_properties(self, application: str, label: str) -> list[Config]:
        rows = self._rows(
            sa.select(config)
            .where(
                config.c.application == application,
                config.c.label == label,
                config.c.ui_consume.is_(True),
            )
            .order_by(config.c.config_id)
        )
        return [_config(row) for row in rows]
