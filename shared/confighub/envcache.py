"""Cached Spring environments, invalidated per application by generation stamps.

An environment of ``omni-product`` is built from the layers of ``omni-product`` and of
``application``, so a write to either must invalidate it, whatever profiles and labels
were asked for. Each application has a generation token in the cache; an entry stores
the tokens it was built under and is only a hit while they are all current. A write
bumps its application's token after commit, so a caller who has seen the write
acknowledged can never read an environment built before it. One ``get_many`` round trip
reads the entry and its tokens together.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from shared.confighub.model import Environment
from shared.ports import Cache

log = logging.getLogger("confighub.cache")
GENERATION_TTL = 24 * 3600
"""A lost generation token only turns hits into misses, so tokens may expire."""


class EnvironmentCache:
    def __init__(self, cache: Cache, *, ttl_seconds: int, prefix: str = "confighub:") -> None:
        self._cache = cache
        self._ttl = ttl_seconds
        self._prefix = prefix

    def _generation_key(self, application: str) -> str:
        return f"{self._prefix}gen:{application}"

    def _entry_key(self, kind: str, parts: Sequence[str]) -> str:
        digest = hashlib.sha256("\n".join((kind, *parts)).encode()).hexdigest()[:32]
        return f"{self._prefix}{kind}:{digest}"

    def lookup(
        self, kind: str, parts: Sequence[str], applications: Sequence[str]
    ) -> tuple[Any, dict[str, str]]:
        """The cached JSON value (or None) and the stamp to store a fresh one under.

        ``applications`` are every application whose rows the value was built from.
        """
        entry_key = self._entry_key(kind, parts)
        keys = [self._generation_key(app) for app in applications]
        try:
            found = self._cache.get_many([*keys, entry_key])
            stamp: dict[str, str] = {}
            for app, key in zip(applications, keys, strict=True):
                token = found.get(key)
                if not isinstance(token, str):
                    token = uuid.uuid4().hex
                    self._cache.set(key, token, GENERATION_TTL)
                stamp[app] = token
        except Exception as exc:  # noqa: BLE001 - a cache outage degrades to a miss
            log.warning("environment cache unavailable (%s)", type(exc).__name__)
            return None, {}
        entry: Any = found.get(entry_key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            return entry.get("value"), stamp
        return None, stamp

    def store(self, kind: str, parts: Sequence[str], stamp: dict[str, str], value: Any) -> None:
        if not stamp:
            return
        try:
            self._cache.set(
                self._entry_key(kind, parts), {"stamp": stamp, "value": value}, self._ttl
            )
        except Exception as exc:  # noqa: BLE001 - a cache outage degrades to a miss
            log.warning("environment cache unavailable (%s)", type(exc).__name__)

    def get(
        self, application: str, profile: str, label: str, applications: Sequence[str]
    ) -> tuple[Environment | None, dict[str, str]]:
        value, stamp = self.lookup("env", (application, profile, label), applications)
        return (Environment.model_validate(value) if value else None), stamp

    def put(
        self, application: str, profile: str, label: str, stamp: dict[str, str], env: Environment
    ) -> None:
        value = env.model_dump(mode="json", by_alias=True)
        self.store("env", (application, profile, label), stamp, value)

    def invalidate(self, applications: Sequence[str]) -> None:
        """Bump the generation of each application: every entry built on it goes stale.

        Called after commit (the write must still answer) and by the change-event
        consumer. A cache that is down does not fail either: the composition root's cache
        remembers a write it could not make and repairs it before Redis serves again
        (docs/cache-and-events.md, "Redis down"); a cache that raises anyway is logged.
        """
        for app in dict.fromkeys(applications):
            try:
                self._cache.set(self._generation_key(app), uuid.uuid4().hex, GENERATION_TTL)
            except Exception as exc:  # noqa: BLE001 - logged; entries expire by TTL
                log.warning("could not invalidate %s (%s)", app, type(exc).__name__)
