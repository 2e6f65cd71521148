"""Order indexes: a sorted page of a container walks an index instead of sorting it.

The first time a cross-partition query of a container asks for a page (a ``limit``)
sorted by a list of fields, the store creates a partial expression index over those
fields for that container only (writes to other containers never evaluate it). The
page then walks the index and stops after ``offset + limit`` matches. Without a limit
the whole result is read anyway, and a scan and sort is cheaper than a walk that looks
each row up. At most ``MAX_ORDER_INDEXES`` per container, since each costs every write
of the container. Without ``ANALYZE`` statistics SQLite's planner prefers the primary
key's container prefix and a sort, so the statement names the index (``INDEXED BY``).

The walk is slower than a scan when few documents match (each row it passes is looked
up by key): a page whose filters match almost nothing costs up to about twice a scan.
A filter on the partition key wins over the sort: the page then searches the key.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from shared.adapters.documents_sqlite_query import body_value, sql_literal

MAX_ORDER_INDEXES = 8
"""On-demand order indexes per container; later sort orders run unindexed."""

OrderBy = Sequence[tuple[str, bool]]


def _digest(text: str, size: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def normalized(order_by: OrderBy) -> tuple[tuple[str, bool], ...]:
    """SQLite walks an index both ways: ``b DESC, c ASC`` uses the index of ``b, c DESC``."""
    flip = bool(order_by) and order_by[0][1]
    return tuple((path, descending != flip) for path, descending in order_by)


class OrderIndexes:
    """Creates and remembers the order indexes of one store file."""

    def __init__(
        self,
        connection: Callable[[], sqlite3.Connection],
        write_transaction: Callable[[], AbstractContextManager[sqlite3.Connection]],
    ) -> None:
        self._connection = connection
        self._write_transaction = write_transaction
        self._lock = threading.Lock()
        self._known: dict[tuple[str, tuple[tuple[str, bool], ...]], str | None] = {}

    def index_for(self, container: str, order_by: OrderBy) -> str | None:
        """The name of the order index of ``container`` for ``order_by``, created if
        needed; ``None`` when the container has its quota or the fields cannot be named
        in SQL text."""
        key = (container, normalized(order_by))
        with self._lock:
            if key in self._known:
                return self._known[key]
        name = self._ensure(*key)
        with self._lock:
            self._known[key] = name
        return name

    def _ensure(self, container: str, order_by: tuple[tuple[str, bool], ...]) -> str | None:
        where = sql_literal(container)
        columns = []
        for path, descending in order_by:
            expression = body_value(path)
            if expression is None or where is None:
                return None
            columns.append(f"{expression} {'DESC' if descending else 'ASC'}")
        prefix = f"documents_order_{_digest(container, 8)}_"
        name = prefix + _digest(repr(order_by), 12)
        if self._exists(self._connection(), name):
            return name
        with self._write_transaction() as conn:
            if self._exists(conn, name):
                return name
            taken = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name GLOB ?",
                (prefix + "*",),
            ).fetchone()[0]
            if taken >= MAX_ORDER_INDEXES:
                return None
            conn.execute(
                f"CREATE INDEX {name} ON documents ({', '.join(columns)}) WHERE container = {where}"
            )
        return name

    @staticmethod
    def _exists(conn: sqlite3.Connection, name: str) -> bool:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        return row is not None
