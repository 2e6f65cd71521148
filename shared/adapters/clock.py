"""Clocks: the system's, and one that moves only when told (tests, replays)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that stands still until ``advance`` or ``set`` moves it, so a test can
    make a hold expire or a lease lapse exactly, without sleeping."""

    def __init__(self, start: datetime | float | None = None) -> None:
        self._lock = threading.Lock()
        if start is None:
            start = datetime.now(UTC).replace(microsecond=0)
        self._now = float(start) if isinstance(start, int | float) else start.timestamp()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def time(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float | timedelta) -> None:
        delta = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
        with self._lock:
            self._now += delta

    def set(self, instant: datetime | float) -> None:
        with self._lock:
            self._now = float(instant) if isinstance(instant, int | float) else instant.timestamp()
