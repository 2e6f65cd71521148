"""Ports: the technology seams of the platform.

Each port has an Azure adapter and an embedded adapter (``shared/adapters``); the
contexts depend on these Protocols only. Queries are structured rather than raw SQL so
that one service call means the same thing on Cosmos DB and on the embedded store.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

Document = dict[str, Any]
"""A JSON document; the store adds ``_etag`` (opaque) and ``_ts`` (epoch seconds)."""

SYSTEM_FIELDS = ("_etag", "_ts", "_rid", "_self", "_attachments", "_lsn")
"""Fields the stores maintain themselves: never written back, never part of a model."""

FilterOp = Literal[
    "=", "!=", "<", "<=", ">", ">=", "in", "startswith", "contains", "array_contains", "defined"
]

LinearTerm = tuple[int, str]
"""``(coefficient, field path)``; a sum of terms lets a condition say
``quantity - reserved - safetyStock >= 5`` atomically."""


@dataclass(frozen=True)
class Filter:
    """One predicate on a dotted field path (``location.postalCode``).

    ``field`` may be a tuple of linear terms instead of a path. ``in`` takes a sequence;
    ``defined`` takes a bool (the field exists and is not null, or the opposite).
    ``contains`` is a case-insensitive substring match on a string field.
    """

    field: str | tuple[LinearTerm, ...]
    op: FilterOp
    value: Any = None


@dataclass(frozen=True)
class Query:
    """All filters must hold (AND). ``order_by`` holds ``(path, descending)`` pairs."""

    filters: tuple[Filter, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class PatchOp:
    """Cosmos partial-document operations: ``set`` a value or ``incr`` a number."""

    op: Literal["set", "incr", "remove"]
    path: str
    value: Any = None


@dataclass(frozen=True)
class ContainerSpec:
    """A document container and its partition key path (``/itemId``)."""

    name: str
    partition_key_path: str

    @property
    def partition_key_field(self) -> str:
        return self.partition_key_path.lstrip("/").replace("/", ".")


class DocumentContainer(Protocol):
    """One Cosmos container. Every write returns the stored document with its new etag.

    Errors: ``NotFound`` for a missing id, ``Conflict`` when ``create`` meets an existing
    id, ``PreconditionFailed`` when ``if_match`` or a patch ``condition`` does not hold,
    ``Unavailable`` when the store cannot be reached.
    """

    @property
    def spec(self) -> ContainerSpec: ...

    def read(self, id: str, partition_key: Any) -> Document: ...

    def read_many(self, keys: Sequence[tuple[str, Any]]) -> list[Document]:
        """Documents that exist among ``(id, partition key)`` pairs, in one round trip."""
        ...

    def create(self, doc: Document) -> Document: ...

    def upsert(self, doc: Document) -> Document: ...

    def replace(self, doc: Document, *, if_match: str | None = None) -> Document: ...

    def delete(self, id: str, partition_key: Any, *, if_match: str | None = None) -> None: ...

    def patch(
        self,
        id: str,
        partition_key: Any,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Document:
        """Apply ``ops`` atomically, only if every filter in ``condition`` holds."""
        ...

    def query(self, query: Query, *, partition_key: Any = None) -> list[Document]:
        """Within one partition when ``partition_key`` is given, else across all."""
        ...

    def count(self, query: Query, *, partition_key: Any = None) -> int: ...


class DocumentStore(Protocol):
    def container(self, spec: ContainerSpec) -> DocumentContainer:
        """The container, created on first use where the adapter may create it."""
        ...

    def check(self) -> str:
        """Health probe: raise ``Unavailable`` or return the adapter's name."""
        ...


@dataclass(frozen=True)
class ChangeFeedPage:
    documents: list[Document]
    continuation: str


@runtime_checkable
class ChangeFeedSource(Protocol):
    """The embedded store's change feed: latest version of each changed document, in
    commit order, from an opaque continuation (``None`` = from the beginning)."""

    def read_change_feed(
        self, container: str, continuation: str | None, max_items: int = 100
    ) -> ChangeFeedPage: ...


class Cache(Protocol):
    """A JSON value cache with TTLs. Versioned entries let an older writer lose."""

    def get(self, key: str) -> Any | None: ...

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """Values of the keys that are present, in one round trip."""
        ...

    def get_versioned(self, key: str) -> tuple[Any, int | None] | None: ...

    def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None: ...

    def set_many(self, entries: Mapping[str, Any], ttl_seconds: int | None = None) -> None:
        """``set`` of every entry, in one round trip: a cold batch read writes back what it
        fetched without paying one round trip per key."""
        ...

    def set_if_newer(
        self, key: str, value: Any, version: int, ttl_seconds: int | None = None
    ) -> bool:
        """Write only if the stored version is absent or older; True when written."""
        ...

    def set_many_if_newer(
        self, entries: Mapping[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> builtins.set[str]:
        """``set_if_newer`` of every ``key: (value, version)``, in one round trip; the keys
        written. Each key is compared and written atomically, as by ``set_if_newer``."""
        ...

    def delete(self, key: str) -> None: ...

    def delete_many(self, keys: Sequence[str]) -> None: ...

    def clear(self) -> None:
        """Drop every entry of this app (``REDIS_KEY_PREFIX``'s keys on Redis): what a
        cache that lost track of the writes it skipped does when it is back."""
        ...

    def check(self) -> str: ...


class EventPublisher(Protocol):
    """Publishes event envelopes (JSON-ready dicts) to a named hub.

    Each envelope's ``subject`` is its partition key; events of one subject keep their
    order. Raises ``Unavailable`` when nothing could be sent (the caller keeps them), or
    when the deadline passed: ``timeout`` seconds when given (a request that waits), else
    the adapter's own (``EVENTHUB_SEND_TIMEOUT_SECONDS``).
    """

    def publish(
        self, hub: str, events: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> None: ...

    def check(self) -> str: ...


class Clock(Protocol):
    """The time the platform runs on. The composition root hands every context the
    system clock; tests hand a controllable one, so nothing waits for time to pass."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def time(self) -> float:
        """The current instant in epoch seconds (``now().timestamp()``)."""
        ...


class TokenVerifier(Protocol):
    """Turns a bearer token into the caller's identity; raises ``Unauthorized``."""

    def verify(self, token: str) -> Principal: ...


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: ``subject`` is recorded as ``updated_by`` and similar."""

    subject: str
    roles: frozenset[str]
    name: str | None = None
