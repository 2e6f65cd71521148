"""The embedded DocumentStore: Cosmos DB semantics on one SQLite file.

It is what the platform runs on when ``COSMOS_ENDPOINT`` is absent, so it must keep the
promises reservations rely on: conditional patches that never oversell, ETags that
catch lost updates, and a change feed in commit order. Every write runs in
``BEGIN IMMEDIATE`` (SQLite's single writer), takes the next value of one global
sequence and stores it on the row; the change feed is the rows ordered by that sequence,
so each document appears once, at its latest version, after everything committed before
it. WAL and a busy timeout let many threads (one connection each) and several processes
share the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.adapters.documents_common import user_fields
from shared.adapters.documents_embedded_container import EmbeddedContainer
from shared.adapters.documents_embedded_indexes import OrderIndexes
from shared.errors import BadRequest, ConfigurationError, Unavailable
from shared.ports import ChangeFeedPage, ContainerSpec, Document

BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS containers (
    name TEXT PRIMARY KEY,
    partition_key_path TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    container TEXT NOT NULL,
    pk TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (container, pk, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS documents_feed ON documents (container, seq);
CREATE TABLE IF NOT EXISTS sequence (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    value INTEGER NOT NULL
);
INSERT OR IGNORE INTO sequence (one, value) VALUES (1, 0);
"""


def _doc_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else None


class EmbeddedDocumentStore:
    """A ``DocumentStore`` and ``ChangeFeedSource`` on a SQLite file at ``path``."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._schema_ready = False
        self._known: dict[str, str] = {}
        self.order_indexes = OrderIndexes(self.connection, self.write_transaction)

    # --- connections -------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self._path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.create_function("doc_lower", 1, _doc_lower, deterministic=True)
            with self._lock:
                if not self._schema_ready:
                    conn.executescript(_SCHEMA)
                    self._schema_ready = True
                self._connections.append(conn)
        except (sqlite3.Error, OSError) as exc:
            raise Unavailable(f"embedded document store unavailable: {type(exc).__name__}") from exc
        self._local.conn = conn
        return conn

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding SQLite's write lock from the first statement."""
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise Unavailable(f"embedded document store busy: {exc}") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # --- DocumentStore -------------------------------------------------------------------
    def container(self, spec: ContainerSpec) -> EmbeddedContainer:
        known = self._known.get(spec.name)
        if known is None:
            with self.write_transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO containers (name, partition_key_path) VALUES (?, ?)",
                    (spec.name, spec.partition_key_path),
                )
                row = conn.execute(
                    "SELECT partition_key_path FROM containers WHERE name = ?", (spec.name,)
                ).fetchone()
            known = self._known.setdefault(spec.name, row[0])
        if known != spec.partition_key_path:
            raise ConfigurationError(
                f"container {spec.name!r} has partition key {known}, not {spec.partition_key_path}"
            )
        return EmbeddedContainer(self, spec)

    def check(self) -> str:
        self.connection().execute("SELECT value FROM sequence").fetchone()
        return "embedded-sqlite"

    # --- ChangeFeedSource ------------------------------------------------------------------
    def read_change_feed(
        self, container: str, continuation: str | None, max_items: int = 100
    ) -> ChangeFeedPage:
        after = 0
        if continuation is not None:
            if not continuation.isdigit():
                raise BadRequest("invalid change feed continuation")
            after = int(continuation)
        rows = (
            self.connection()
            .execute(
                "SELECT body, seq FROM documents WHERE container = ? AND seq > ? "
                "ORDER BY seq LIMIT ?",
                (container, after, max(1, max_items)),
            )
            .fetchall()
        )
        documents = [{**json.loads(body), "_lsn": seq} for body, seq in rows]
        last = rows[-1][1] if rows else after
        return ChangeFeedPage(documents=documents, continuation=str(last))

    # --- used by EmbeddedContainer ----------------------------------------------------
    def stamp(self, conn: sqlite3.Connection, doc: Document) -> tuple[Document, int]:
        """The stored form of ``doc`` and its change-feed position; inside a write."""
        seq = conn.execute("UPDATE sequence SET value = value + 1 RETURNING value").fetchone()[0]
        stored = {**user_fields(doc), "_etag": f'"{uuid.uuid4()}"', "_ts": int(time.time())}
        return stored, int(seq)
