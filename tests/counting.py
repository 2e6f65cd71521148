"""The one counting proxy of the round-trip tests and the benches.

Every call a port's client makes to its backend is one round trip (a store query, a cache
``get_many``), so counting the calls on a proxy counts round trips. ``Counted`` wraps any
client (a container, a cache, a catalog source, a lookup); ``CountedStore`` wraps a
DocumentStore so each container it opens is ``Counted`` under the container's name. All
the proxies given one ``CallLog`` record into it, in order, and a ``before`` hook on the
log runs ahead of each call: how a test plays a racing client or a process dying at an
exact point.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    target: str
    """``cache``, a container's name, or the label a proxy was given."""
    method: str
    args: tuple[Any, ...]

    @property
    def keys(self) -> int:
        """How many keys or documents the call carried (a batch counts its size)."""
        first = self.args[0] if self.args else None
        return len(first) if isinstance(first, list | tuple | dict | set) else 1


class CallLog:
    """The calls of every proxy sharing it, in order; thread-safe."""

    def __init__(self, before: Callable[[Call], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self.before = before

    def record(self, call: Call) -> None:
        if self.before is not None:
            self.before(call)
        with self._lock:
            self._calls.append(call)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def by_target(self) -> Counter[str]:
        """``"<target>.<method>": count``."""
        return Counter(f"{c.target}.{c.method}" for c in self.calls)

    def by_method(self) -> Counter[str]:
        return Counter(c.method for c in self.calls)

    @property
    def total(self) -> int:
        return len(self.calls)


class Counted:
    """``inner`` with each call of a method (all of them, or only ``methods``) recorded:
    in ``calls`` by method name, and in ``log`` when one is shared."""

    def __init__(
        self,
        inner: Any,
        target: str = "",
        *,
        log: CallLog | None = None,
        methods: Collection[str] | None = None,
    ) -> None:
        self._inner = inner
        self._target = target
        self._log = log
        self._methods = methods
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr) or (self._methods is not None and name not in self._methods):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            if self._log is not None:
                self._log.record(Call(self._target, name, args))
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted

    @property
    def total(self) -> int:
        return sum(self.calls.values())


STORE_CALLS = frozenset(
    {"read", "read_many", "query", "count", "create", "replace", "patch", "delete", "upsert"}
)
"""The DocumentContainer methods that reach the store."""


class CountedStore:
    """A DocumentStore whose containers are ``Counted`` under their names, into ``log``."""

    def __init__(self, inner: Any, log: CallLog) -> None:
        self._inner = inner
        self.log = log

    def container(self, spec: Any) -> Any:
        return Counted(self._inner.container(spec), spec.name, log=self.log, methods=STORE_CALLS)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
