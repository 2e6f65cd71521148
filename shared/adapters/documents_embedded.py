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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.adapters.documents_common import (
    apply_patch,
    document_id,
    partition_key_of,
    user_fields,
)
from shared.adapters.documents_sqlite_query import SqliteRenderer
from shared.errors import (
    BadRequest,
    ConfigurationError,
    Conflict,
    NotFound,
    PreconditionFailed,
    Unavailable,
)
from shared.ports import ChangeFeedPage, ContainerSpec, Document, Filter, PatchOp, Query

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


def _pk(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


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

    # --- connections -------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
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
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding SQLite's write lock from the first statement."""
        conn = self._connection()
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
            with self._write() as conn:
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
        self._connection().execute("SELECT value FROM sequence").fetchone()
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
            self._connection()
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

    # --- used by EmbeddedContainer ---------------------------------------------------------
    def _stamp(self, conn: sqlite3.Connection, doc: Document) -> tuple[Document, int]:
        seq = conn.execute("UPDATE sequence SET value = value + 1 RETURNING value").fetchone()[0]
        stored = {**user_fields(doc), "_etag": f'"{uuid.uuid4()}"', "_ts": int(time.time())}
        return stored, int(seq)


class EmbeddedContainer:
    def __init__(self, store: EmbeddedDocumentStore, spec: ContainerSpec) -> None:
        self._store = store
        self._spec = spec

    @property
    def spec(self) -> ContainerSpec:
        return self._spec

    def _key(self, doc: Document) -> tuple[str, str]:
        return document_id(doc), _pk(partition_key_of(self._spec, doc))

    def _current(self, conn: sqlite3.Connection, id: str, pk: str) -> Document | None:
        row = conn.execute(
            "SELECT body FROM documents WHERE container = ? AND pk = ? AND id = ?",
            (self._spec.name, pk, id),
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def _store_doc(self, conn: sqlite3.Connection, doc: Document, *, insert: bool) -> Document:
        id, pk = self._key(doc)
        stored, seq = self._store._stamp(conn, doc)
        verb = "INSERT" if insert else "INSERT OR REPLACE"
        conn.execute(
            f"{verb} INTO documents (container, pk, id, body, seq) VALUES (?, ?, ?, ?, ?)",
            (self._spec.name, pk, id, json.dumps(stored), seq),
        )
        return stored

    def read(self, id: str, partition_key: Any) -> Document:
        doc = self._current(self._store._connection(), id, _pk(partition_key))
        if doc is None:
            raise NotFound(f"document {id!r} not found in {self._spec.name!r}")
        return doc

    def read_many(self, keys: Sequence[tuple[str, Any]]) -> list[Document]:
        wanted = list(dict.fromkeys((id, _pk(pk)) for id, pk in keys))
        if not wanted:
            return []
        pairs = ", ".join("(?, ?)" for _ in wanted)
        params: list[Any] = [self._spec.name]
        for id, pk in wanted:
            params += [pk, id]
        rows = (
            self._store._connection()
            .execute(
                f"SELECT pk, id, body FROM documents WHERE container = ? "
                f"AND (pk, id) IN (VALUES {pairs})",
                params,
            )
            .fetchall()
        )
        found = {(id, pk): json.loads(body) for pk, id, body in rows}
        return [found[key] for key in wanted if key in found]

    def create(self, doc: Document) -> Document:
        id, pk = self._key(doc)
        with self._store._write() as conn:
            if self._current(conn, id, pk) is not None:
                raise Conflict(f"document {id!r} already exists in {self._spec.name!r}")
            return self._store_doc(conn, doc, insert=True)

    def upsert(self, doc: Document) -> Document:
        self._key(doc)
        with self._store._write() as conn:
            return self._store_doc(conn, doc, insert=False)

    def replace(self, doc: Document, *, if_match: str | None = None) -> Document:
        id, pk = self._key(doc)
        with self._store._write() as conn:
            self._existing(conn, id, pk, if_match)
            return self._store_doc(conn, doc, insert=False)

    def delete(self, id: str, partition_key: Any, *, if_match: str | None = None) -> None:
        pk = _pk(partition_key)
        with self._store._write() as conn:
            self._existing(conn, id, pk, if_match)
            conn.execute(
                "DELETE FROM documents WHERE container = ? AND pk = ? AND id = ?",
                (self._spec.name, pk, id),
            )

    def patch(
        self,
        id: str,
        partition_key: Any,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Document:
        pk = _pk(partition_key)
        with self._store._write() as conn:
            current = self._existing(conn, id, pk, if_match)
            if condition:
                renderer = SqliteRenderer()
                where = renderer.where(condition)
                params = {**renderer.params, "c": self._spec.name, "k": pk, "i": id}
                holds = conn.execute(
                    "SELECT 1 FROM documents WHERE container = :c AND pk = :k AND id = :i "
                    f"AND {where}",
                    params,
                ).fetchone()
                if holds is None:
                    raise PreconditionFailed(
                        f"the patch condition does not hold for document {id!r}"
                    )
            patched = apply_patch(self._spec, user_fields(current), ops)
            return self._store_doc(conn, patched, insert=False)

    def _existing(
        self, conn: sqlite3.Connection, id: str, pk: str, if_match: str | None
    ) -> Document:
        current = self._current(conn, id, pk)
        if current is None:
            raise NotFound(f"document {id!r} not found in {self._spec.name!r}")
        if if_match is not None and current["_etag"] != if_match:
            raise PreconditionFailed(f"document {id!r} has changed (etag mismatch)")
        return current

    def query(self, query: Query, *, partition_key: Any = None) -> list[Document]:
        sql, params = self._select("body", query, partition_key, ordered=True)
        rows = self._store._connection().execute(sql, params).fetchall()
        return [json.loads(body) for (body,) in rows]

    def count(self, query: Query, *, partition_key: Any = None) -> int:
        """Documents matching the filters; ``order_by``, ``limit`` and ``offset`` are ignored."""
        sql, params = self._select("COUNT(*)", query, partition_key, ordered=False)
        return int(self._store._connection().execute(sql, params).fetchone()[0])

    def _select(
        self, what: str, query: Query, partition_key: Any, *, ordered: bool
    ) -> tuple[str, dict[str, Any]]:
        renderer = SqliteRenderer()
        where = renderer.where(query.filters)
        tail = renderer.order_limit(query) if ordered else ""
        params = {**renderer.params, "c": self._spec.name}
        scope = ""
        if partition_key is not None:
            scope = " AND pk = :k"
            params["k"] = _pk(partition_key)
        sql = f"SELECT {what} FROM documents WHERE container = :c{scope} AND ({where}) {tail}"
        return sql, params
