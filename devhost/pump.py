"""A background loop that delivers work to one function, and can say when it is idle.

``drain`` waits for a cycle that *started* after the call and found nothing to do:
everything published or changed before the call has then been delivered. A cycle that
failed (a batch that raised) is not idle, so a drain waits for its retry to succeed.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from enum import Enum

log = logging.getLogger("devhost")


class Outcome(Enum):
    IDLE = "idle"
    DELIVERED = "delivered"
    FAILED = "failed"


class Pump(ABC):
    """Subclasses implement ``step``; ``describe`` is the line printed at startup."""

    name: str = "pump"

    def __init__(self, poll_interval: float) -> None:
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._cond = threading.Condition()
        self._started_cycles = 0
        self._idle_through = 0
        self._thread: threading.Thread | None = None

    def describe(self) -> str:
        return self.name

    @abstractmethod
    def prepare(self) -> None:
        """Runs on the caller's thread before the loop starts (initial leases), so the
        starting position is fixed before the host reports that it is up."""

    @abstractmethod
    def step(self) -> tuple[Outcome, float]:
        """Deliver what is available; returns the outcome and the delay before the next
        cycle when it failed (a backoff)."""

    def start(self) -> None:
        self.prepare()
        self._thread = threading.Thread(target=self._run, name=f"devhost-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def wake(self) -> None:
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False when the pump should stop."""
        return not self._stop.wait(seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                self._started_cycles += 1
                cycle = self._started_cycles
            try:
                outcome, backoff = self.step()
            except Exception:
                log.exception("%s: delivery loop failed; retrying", self.name)
                outcome, backoff = Outcome.FAILED, max(self.poll_interval, 1.0)
            if outcome is Outcome.IDLE:
                with self._cond:
                    self._idle_through = cycle
                    self._cond.notify_all()
                self._wake.wait(self.poll_interval)
                self._wake.clear()
            elif outcome is Outcome.FAILED:
                self.sleep(backoff)

    def drain(self, timeout: float) -> bool:
        """True once everything that existed at the call has been delivered."""
        with self._cond:
            target = self._started_cycles + 1
        self._wake.set()
        with self._cond:
            return self._cond.wait_for(
                lambda: self._idle_through >= target or self._stop.is_set(), timeout
            )
