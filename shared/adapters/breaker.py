"""Circuit breakers (pybreaker) that keep the platform's time.

pybreaker decides whether an open circuit may probe again by comparing the wall clock
with the instant it opened. Its state storage is the library's extension point, so this
one records the opening on the ``Clock`` port and answers ``opened_at`` as the wall-clock
instant that lies as far in the past as the platform clock says the circuit has been
open: a test moves a ``ManualClock`` past the reset timeout instead of sleeping, and in
production both clocks are the system's.

Callers use ``breaker.calling()`` (a context manager), never ``breaker.call``: ``call``
holds the breaker's lock for the whole guarded call, which would let one request at a
time reach the dependency.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pybreaker

from shared.ports import Clock

log = logging.getLogger("adapters.breaker")


class ClockStorage(pybreaker.CircuitMemoryStorage):
    def __init__(self, clock: Clock) -> None:
        super().__init__(pybreaker.STATE_CLOSED)
        self._clock = clock
        self._opened: float | None = None

    @property
    def opened_at(self) -> datetime | None:
        if self._opened is None:
            return None
        return datetime.now(UTC) - timedelta(seconds=self._clock.time() - self._opened)

    @opened_at.setter
    def opened_at(self, wall: datetime) -> None:
        del wall  # pybreaker passes the wall clock; the platform's clock is the one kept
        self._opened = self._clock.time()


class _StateLog(pybreaker.CircuitBreakerListener):
    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        before = old_state.name if old_state is not None else "-"
        if new_state.name == pybreaker.STATE_OPEN:
            log.warning("%s circuit open (was %s): failing fast", cb.name, before)
        else:
            log.info("%s circuit %s (was %s)", cb.name, new_state.name, before)


def circuit_breaker(
    name: str,
    *,
    fail_max: int,
    reset_seconds: float,
    clock: Clock,
    counts: Callable[[BaseException], bool],
) -> pybreaker.CircuitBreaker:
    """A breaker that opens after ``fail_max`` consecutive failures (an exception for
    which ``counts`` is true; any other exception is the caller's, not the dependency's)
    and lets one call probe ``reset_seconds`` later."""
    return pybreaker.CircuitBreaker(
        fail_max=fail_max,
        reset_timeout=reset_seconds,
        exclude=[lambda exc: not counts(exc)],
        listeners=[_StateLog()],
        state_storage=ClockStorage(clock),
        name=name,
    )


def is_open(breaker: pybreaker.CircuitBreaker) -> bool:
    return breaker.current_state == pybreaker.STATE_OPEN
