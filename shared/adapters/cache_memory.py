"""The embedded Cache: an in-process TTL + LRU cache for runs without Redis.

Values are kept JSON-encoded, so a caller that mutates what it stored or read never
changes the cached copy, and the adapter accepts exactly what Redis would. One lock
guards everything: cachetools' LRU bookkeeping mutates on reads, and ``set_if_newer``
must compare and write as one step. The batch writes encode every value before taking
the lock, so a value that is not JSON fails the call with nothing written.
"""

from __future__ import annotations

import builtins
import json
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from cachetools import TLRUCache

from shared.errors import BadRequest


class _Entry(NamedTuple):
    encoded: str
    version: int | None
    expires_at: float


def _expiry(_key: str, entry: _Entry, _now: float) -> float:
    return entry.expires_at


class MemoryCache:
    def __init__(
        self, max_entries: int = 50_000, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``clock`` is injectable so expiry can be tested without sleeping."""
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: TLRUCache[str, _Entry] = TLRUCache(
            maxsize=max_entries, ttu=_expiry, timer=clock
        )

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else json.loads(entry.encoded)

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        with self._lock:
            found = {key: self._entries.get(key) for key in keys}
        return {key: json.loads(e.encoded) for key, e in found.items() if e is not None}

    def get_versioned(self, key: str) -> tuple[Any, int | None] | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else (json.loads(entry.encoded), entry.version)

    def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        self.set_many({key: value}, ttl_seconds)

    def set_many(self, entries: Mapping[str, Any], ttl_seconds: int | None = None) -> None:
        expires_at = self._expires_at(ttl_seconds)
        encoded = {key: _Entry(encode_value(v), None, expires_at) for key, v in entries.items()}
        with self._lock:
            for key, entry in encoded.items():
                self._entries[key] = entry

    def set_if_newer(
        self, key: str, value: Any, version: int, ttl_seconds: int | None = None
    ) -> bool:
        return bool(self.set_many_if_newer({key: (value, version)}, ttl_seconds))

    def set_many_if_newer(
        self, entries: Mapping[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> builtins.set[str]:
        expires_at = self._expires_at(ttl_seconds)
        encoded = {
            key: (version, _Entry(encode_value(value), version, expires_at))
            for key, (value, version) in entries.items()
        }
        written: builtins.set[str] = builtins.set()
        with self._lock:
            for key, (version, entry) in encoded.items():
                current = self._entries.get(key)
                if (
                    current is not None
                    and current.version is not None
                    and current.version >= version
                ):
                    continue
                self._entries[key] = entry
                written.add(key)
        return written

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def delete_many(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)

    def check(self) -> str:
        return "memory"

    def _expires_at(self, ttl_seconds: int | None) -> float:
        if ttl_seconds is None:
            return math.inf
        if ttl_seconds <= 0:
            raise BadRequest(f"ttl_seconds must be positive, got {ttl_seconds}")
        return self._clock() + ttl_seconds


def encode_value(value: Any) -> str:
    """Compact JSON, rejecting what Redis could not round-trip either."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"cache value is not JSON: {exc}") from None
