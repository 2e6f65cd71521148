"""Read stamps: the version of a cache entry that has none of its own.

Lists (categories, brands), slug and SKU lookups, availability entries and the stock
marks of inventory's writes are stamped with the instant their backend read (or write)
began, in microseconds of the platform's clock, so a read that began earlier always
loses to one that began later, also across processes sharing Redis.
"""

from __future__ import annotations

import threading

from shared.ports import Clock

_last = 0
_lock = threading.Lock()


def read_stamp(clock: Clock) -> int:
    """Strictly increasing within a process, whoever asks: a stock mark and the next
    availability read are stamped by different objects, and must still order when they
    fall in one microsecond, or when a test's clock stands still."""
    global _last
    with _lock:
        _last = max(int(clock.time() * 1_000_000), _last + 1)
        return _last
