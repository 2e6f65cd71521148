"""The cache as an accelerator: a Cache around Redis that a Redis outage cannot fail.

Every call goes through a circuit breaker. A call that fails (``Unavailable``: Redis
refused, timed out, went away) or that the open circuit refuses is *bypassed*: a read is
a miss, so the caller reads its store; a write is skipped. After
``CACHE_BREAKER_FAILURES`` failures in a row the circuit opens and nothing waits on
Redis for ``CACHE_BREAKER_RESET_SECONDS``; then one call probes it.

Read-your-writes across the outage. A write that skipped Redis may leave there what the
write made stale: an older product or stock entry, or, worse, the *absence* of an
invalidation (a stock mark, a generation token, a delete) that made older entries
untrusted. Deleting every skipped key when Redis is back fixes the first kind and breaks
the second (a deleted stock mark re-trusts the availability entries it distrusted). So
each skipped write is remembered for what it was:

- a versioned write (``set_if_newer``, ``set_many_if_newer``) is *replayed*, guarded by its
  version as it would have been, with what is left of its TTL. Every versioned entry is
  built to let a late writer lose (``docs/cache-and-events.md``), so a replay is no more
  than a write that landed late;
- a plain ``set`` or ``set_many`` cannot be replayed safely (it has no guard), so it, and
  every ``delete``, becomes a delete: a miss, which reads the store.

That repair runs before anything else reaches Redis again: it is the probe of the
half-open circuit, and until it has succeeded every call of this process is bypassed. So
no read of this process can see an entry that one of its own writes during the outage
made stale. The health check probes too, so an idle instance repairs without traffic.
Past ``CACHE_WRITE_AROUND_MAX_KEYS`` remembered keys the process can no longer name what
it made stale, and the repair drops every key of the app (``Cache.clear``) instead.

What this does not cover, said plainly: the record is in memory, so an instance that
dies during an outage leaves its skipped writes to the entries' TTLs and to the change
events (which every consumer applies by version); and another instance that never lost
Redis can read an entry this one wrote around until this one repairs, or the change
event arrives.
"""

from __future__ import annotations

import builtins
import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pybreaker

from shared.adapters.cache_memory import encode_value
from shared.errors import BadRequest, Unavailable
from shared.ports import Cache, Clock

T = TypeVar("T")


@dataclass
class _Skipped:
    """What the skipped writes of one key ask of the repair: delete it first, then
    (re)write the newest versioned value, ``(encoded, version, ttl, recorded_at)``."""

    delete: bool = False
    replay: tuple[str, int, int | None, float] | None = None

    def then(self, later: _Skipped) -> _Skipped:
        """This record followed by ``later``: a later delete wipes an earlier replay."""
        if later.delete:
            return _Skipped(True, later.replay)
        replay = self.replay
        if later.replay is not None and (replay is None or later.replay[1] > replay[1]):
            replay = later.replay
        return _Skipped(self.delete, replay)


class WriteAround:
    """The keys written around the cache, bounded; thread-safe."""

    def __init__(self, max_keys: int) -> None:
        self._max = max_keys
        self._lock = threading.Lock()
        self._keys: dict[str, _Skipped] = {}
        self._overflow = False

    def __bool__(self) -> bool:
        return self._overflow or bool(self._keys)

    def note(self, records: Mapping[str, _Skipped]) -> None:
        with self._lock:
            self._merge(records)

    def take(self) -> tuple[dict[str, _Skipped], bool]:
        with self._lock:
            taken, overflow = self._keys, self._overflow
            self._keys, self._overflow = {}, False
            return taken, overflow

    def lose_track(self) -> None:
        """From here on only dropping every key repairs the cache."""
        with self._lock:
            self._keys, self._overflow = {}, True

    def give_back(self, keys: Mapping[str, _Skipped], overflow: bool) -> None:
        """A repair that failed: its records go back *before* what was noted since."""
        with self._lock:
            newer, self._keys = self._keys, dict(keys)
            self._overflow = self._overflow or overflow
            self._merge(newer)

    def _merge(self, records: Mapping[str, _Skipped]) -> None:
        if self._overflow:
            return
        for key, record in records.items():
            known = self._keys.get(key)
            self._keys[key] = record if known is None else known.then(record)
        if len(self._keys) > self._max:
            self._keys, self._overflow = {}, True


class BypassingCache:
    def __init__(
        self,
        inner: Cache,
        breaker: pybreaker.CircuitBreaker,
        *,
        clock: Clock,
        max_write_around: int,
    ) -> None:
        self._inner = inner
        self.breaker = breaker
        self._clock = clock
        self.skipped = WriteAround(max_write_around)
        self._repair_lock = threading.Lock()

    # --- reads: a miss when bypassed ---------------------------------------------------
    def get(self, key: str) -> Any | None:
        return self._read(lambda: self._inner.get(key), None)

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        return self._read(lambda: self._inner.get_many(keys), {})

    def get_versioned(self, key: str) -> tuple[Any, int | None] | None:
        return self._read(lambda: self._inner.get_versioned(key), None)

    # --- writes: skipped and remembered when bypassed ----------------------------------
    def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        self.set_many({key: value}, ttl_seconds)

    def set_many(self, entries: Mapping[str, Any], ttl_seconds: int | None = None) -> None:
        def skipped() -> dict[str, _Skipped]:
            """A delete: the value is not kept, so it is not encoded either."""
            _check_ttl(ttl_seconds)
            return dict.fromkeys(entries, _Skipped(delete=True))

        self._write(lambda: self._inner.set_many(entries, ttl_seconds), skipped, None)

    def set_if_newer(
        self, key: str, value: Any, version: int, ttl_seconds: int | None = None
    ) -> bool:
        return bool(self.set_many_if_newer({key: (value, version)}, ttl_seconds))

    def set_many_if_newer(
        self, entries: Mapping[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> builtins.set[str]:
        def skipped() -> dict[str, _Skipped]:
            _check_ttl(ttl_seconds)
            now = self._clock.time()
            return {
                key: _Skipped(replay=(encode_value(value), int(version), ttl_seconds, now))
                for key, (value, version) in entries.items()
            }

        if not entries:
            return builtins.set()
        return self._write(
            lambda: self._inner.set_many_if_newer(entries, ttl_seconds), skipped, builtins.set()
        )

    def delete(self, key: str) -> None:
        self.delete_many([key])

    def delete_many(self, keys: Sequence[str]) -> None:
        if keys:
            deleted = dict.fromkeys(keys, _Skipped(delete=True))
            self._write(lambda: self._inner.delete_many(keys), lambda: deleted, None)

    def clear(self) -> None:
        try:
            self._guarded(self._inner.clear)
        except (pybreaker.CircuitBreakerError, Unavailable):
            self.skipped.lose_track()

    # --- health ------------------------------------------------------------------------
    def check(self) -> str:
        """No I/O while the circuit is open; once it may probe, the repair (if one is
        due) and the inner cache's own probe, so an idle instance repairs too."""
        try:
            return self._guarded(self._inner.check)
        except pybreaker.CircuitBreakerError:
            raise Unavailable("cache bypassed (circuit open): reads go to the stores") from None
        except Unavailable as exc:
            raise Unavailable(f"cache bypassed: {exc.message}") from None

    def close(self) -> None:
        closer = getattr(self._inner, "close", None)
        if callable(closer):
            closer()

    # --- plumbing ----------------------------------------------------------------------
    def _read(self, op: Callable[[], T], missed: T) -> T:
        try:
            return self._guarded(op)
        except (pybreaker.CircuitBreakerError, Unavailable):
            return missed

    def _write(
        self, op: Callable[[], T], skipped: Callable[[], dict[str, _Skipped]], fallback: T
    ) -> T:
        try:
            return self._guarded(op)
        except (pybreaker.CircuitBreakerError, Unavailable):
            self.skipped.note(skipped())
            return fallback

    def _guarded(self, op: Callable[[], T]) -> T:
        if self.skipped:
            self._repair()
        with self.breaker.calling():
            return op()

    def _repair(self) -> None:
        """Apply what the outage left undone; raises (and keeps it) when Redis still
        cannot take it, so the caller bypasses. The breaker is asked first: while the
        circuit is open this costs nothing, however many keys are remembered."""
        with self._repair_lock, self.breaker.calling():
            keys, overflow = self.skipped.take()
            if not keys and not overflow:
                return
            try:
                if overflow:
                    self._inner.clear()
                else:
                    self._apply(keys)
            except BaseException:
                self.skipped.give_back(keys, overflow)
                raise

    def _apply(self, keys: Mapping[str, _Skipped]) -> None:
        now = self._clock.time()
        deletes = [key for key, record in keys.items() if record.delete]
        replays: dict[int | None, dict[str, tuple[Any, int]]] = {}
        for key, record in keys.items():
            if record.replay is None:
                continue
            encoded, version, ttl, at = record.replay
            left = None if ttl is None else math.floor(ttl - (now - at))
            if left is not None and left < 1:
                if not record.delete:
                    deletes.append(key)
                continue
            replays.setdefault(left, {})[key] = (json.loads(encoded), version)
        self._inner.delete_many(deletes)
        for ttl, entries in replays.items():
            self._inner.set_many_if_newer(entries, ttl)


def _check_ttl(ttl_seconds: int | None) -> None:
    """The inner adapters refuse a TTL that is not positive; a skipped write too."""
    if ttl_seconds is not None and ttl_seconds <= 0:
        raise BadRequest(f"ttl_seconds must be positive, got {ttl_seconds}")
