"""Documents of one container of the embedded store (``documents_embedded``).

Each write runs in the store's write transaction, so the read of the current version,
the etag and condition checks and the write see one consistent state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from shared.adapters.documents_common import (
    apply_patch,
    document_id,
    partition_key_of,
    user_fields,
)
from shared.adapters.documents_embedded_indexes import OrderIndexes
from shared.adapters.documents_sqlite_query import (
    SqliteRenderer,
    partition_key_text,
    sql_literal,
)
from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.ports import ContainerSpec, Document, Filter, PatchOp, Query


class SqliteFile(Protocol):
    """What a container needs of the store that owns the file (``EmbeddedDocumentStore``):
    a connection per thread, the one write transaction, and the stamp of each write."""

    @property
    def order_indexes(self) -> OrderIndexes: ...

    def connection(self) -> sqlite3.Connection: ...

    def write_transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def stamp(self, conn: sqlite3.Connection, doc: Document) -> tuple[Document, int]: ...


_ON_CONFLICT_UPDATE = (
    " ON CONFLICT (container, pk, id) DO UPDATE SET body = excluded.body, seq = excluded.seq"
)


class EmbeddedContainer:
    def __init__(self, store: SqliteFile, spec: ContainerSpec) -> None:
        self._store = store
        self._spec = spec

    @property
    def spec(self) -> ContainerSpec:
        return self._spec

    def _key(self, doc: Document) -> tuple[str, str]:
        return document_id(doc), partition_key_text(partition_key_of(self._spec, doc))

    def _current(self, conn: sqlite3.Connection, id: str, pk: str) -> Document | None:
        row = conn.execute(
            "SELECT body FROM documents WHERE container = ? AND pk = ? AND id = ?",
            (self._spec.name, pk, id),
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def _store_doc(self, conn: sqlite3.Connection, doc: Document, *, insert: bool) -> Document:
        """An existing row is updated in place (``ON CONFLICT DO UPDATE``), not deleted and
        inserted again: only the indexes over ``body`` and ``seq`` change, never the ones
        over the key columns."""
        id, pk = self._key(doc)
        stored, seq = self._store.stamp(conn, doc)
        upsert = "" if insert else _ON_CONFLICT_UPDATE
        conn.execute(
            f"INSERT INTO documents (container, pk, id, body, seq) VALUES (?, ?, ?, ?, ?){upsert}",
            (self._spec.name, pk, id, json.dumps(stored), seq),
        )
        return stored

    def read(self, id: str, partition_key: Any) -> Document:
        doc = self._current(self._store.connection(), id, partition_key_text(partition_key))
        if doc is None:
            raise NotFound(f"document {id!r} not found in {self._spec.name!r}")
        return doc

    def read_many(self, keys: Sequence[tuple[str, Any]]) -> list[Document]:
        wanted = list(dict.fromkeys((id, partition_key_text(pk)) for id, pk in keys))
        if not wanted:
            return []
        pairs = ", ".join("(?, ?)" for _ in wanted)
        params: list[Any] = [self._spec.name]
        for id, pk in wanted:
            params += [pk, id]
        rows = (
            self._store.connection()
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
        with self._store.write_transaction() as conn:
            if self._current(conn, id, pk) is not None:
                raise Conflict(f"document {id!r} already exists in {self._spec.name!r}")
            return self._store_doc(conn, doc, insert=True)

    def upsert(self, doc: Document) -> Document:
        self._key(doc)
        with self._store.write_transaction() as conn:
            return self._store_doc(conn, doc, insert=False)

    def replace(self, doc: Document, *, if_match: str | None = None) -> Document:
        id, pk = self._key(doc)
        with self._store.write_transaction() as conn:
            self._existing(conn, id, pk, if_match)
            return self._store_doc(conn, doc, insert=False)

    def delete(self, id: str, partition_key: Any, *, if_match: str | None = None) -> None:
        pk = partition_key_text(partition_key)
        with self._store.write_transaction() as conn:
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
        pk = partition_key_text(partition_key)
        with self._store.write_transaction() as conn:
            current = self._existing(conn, id, pk, if_match)
            if condition:
                renderer = SqliteRenderer(self._spec.partition_key_field)
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
        rows = self._store.connection().execute(sql, params).fetchall()
        return [json.loads(body) for (body,) in rows]

    def count(self, query: Query, *, partition_key: Any = None) -> int:
        """Documents matching the filters; ``order_by``, ``limit`` and ``offset`` are ignored."""
        sql, params = self._select("COUNT(*)", query, partition_key, ordered=False)
        return int(self._store.connection().execute(sql, params).fetchone()[0])

    def query_plan(self, query: Query, *, partition_key: Any = None) -> list[str]:
        """SQLite's plan for ``query`` (``EXPLAIN QUERY PLAN`` details): shows whether a
        query searches an index or scans the container."""
        sql, params = self._select("body", query, partition_key, ordered=True)
        rows = self._store.connection().execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return [str(row[3]) for row in rows]

    def _select(
        self, what: str, query: Query, partition_key: Any, *, ordered: bool
    ) -> tuple[str, dict[str, Any]]:
        renderer = SqliteRenderer(self._spec.partition_key_field)
        where = renderer.where(query.filters)
        tail = renderer.order_limit(query) if ordered else ""
        params = dict(renderer.params)
        container = sql_literal(self._spec.name)
        if container is None:
            container = ":c"
            params["c"] = self._spec.name
        scope = hint = ""
        if partition_key is not None:
            scope = " AND pk = :k"
            params["k"] = partition_key_text(partition_key)
        elif ordered and query.order_by and query.limit is not None:
            index = None
            if not renderer.partition_key_lookup:
                index = self._store.order_indexes.index_for(self._spec.name, query.order_by)
            hint = "" if index is None else f" INDEXED BY {index}"
        sql = (
            f"SELECT {what} FROM documents{hint} WHERE container = {container}{scope} "
            f"AND ({where}) {tail}"
        )
        return sql, params
