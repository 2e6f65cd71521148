"""Outbox rows and the relay lease, on SQLAlchemy Core.

One relay at a time holds the lease (a conditional UPDATE on a single row), so events of
an application leave in outbox order and two relays never send the same row. A relay
pass uses one pooled connection and commits after every statement: no snapshot is held
(a later ``pending`` must see rows committed meanwhile) and no pool checkout is paid
per statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from shared.confighub.repository import _translated
from shared.confighub.repository_tables import outbox, outbox_lease

LEASE_NAME = "confighub-relay"


@dataclass(frozen=True)
class OutboxRecord:
    outbox_id: int
    hub: str
    partition_key: str
    body: str


class OutboxSession:
    """The relay's statements on one connection, each in its own short transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def _run(self, statement: Any) -> sa.CursorResult[Any]:
        try:
            result = self._conn.execute(statement)
            self._conn.commit()
        except BaseException:
            self._conn.rollback()
            raise
        return result

    def claim_lease(self, holder: str, now: float, ttl_seconds: float) -> bool:
        result = self._run(
            outbox_lease.update()
            .where(
                outbox_lease.c.name == LEASE_NAME,
                sa.or_(outbox_lease.c.holder.is_(None), outbox_lease.c.expires_at < now),
            )
            .values(holder=holder, expires_at=now + ttl_seconds)
        )
        return result.rowcount == 1

    def release_lease(self, holder: str) -> None:
        self._run(
            outbox_lease.update()
            .where(outbox_lease.c.name == LEASE_NAME, outbox_lease.c.holder == holder)
            .values(holder=None, expires_at=0.0)
        )

    def pending(self, limit: int) -> list[OutboxRecord]:
        rows = self._run(
            sa.select(outbox.c.outbox_id, outbox.c.hub, outbox.c.partition_key, outbox.c.body)
            .where(outbox.c.sent_dttm.is_(None))
            .order_by(outbox.c.outbox_id)
            .limit(limit)
        ).all()
        return [OutboxRecord(r.outbox_id, r.hub, r.partition_key, r.body) for r in rows]

    def mark_sent(self, ids: Sequence[int], sent_at: datetime) -> None:
        if ids:
            self._run(
                outbox.update()
                .where(outbox.c.outbox_id.in_(list(ids)), outbox.c.sent_dttm.is_(None))
                .values(sent_dttm=sent_at)
            )

    def note_failure(self, ids: Sequence[int]) -> None:
        if ids:
            self._run(
                outbox.update()
                .where(outbox.c.outbox_id.in_(list(ids)))
                .values(attempts=outbox.c.attempts + 1)
            )


class OutboxStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[OutboxSession]:
        with _translated(), self.engine.connect() as conn:
            yield OutboxSession(conn)
