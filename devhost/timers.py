"""Timer triggers: each runs on its own thread, on its schedule.

Like the Functions host, a run that starts later than its scheduled time (the previous
run overran, or the machine slept) gets ``past_due=True`` and the missed occurrences
collapse into that one run. A timer that raises is logged and keeps its schedule.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from azure.functions.timer import TimerRequest

from devhost.index import TimerFunction
from devhost.invoke import call_sync
from devhost.ncrontab import Schedule

log = logging.getLogger("devhost.timers")

PAST_DUE_SLACK = timedelta(seconds=1)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def after_run(schedule: Schedule, due: datetime, now: datetime) -> tuple[bool, datetime]:
    """Whether the run for ``due`` starting at ``now`` is past due, and the occurrence
    after it: a late run collapses the occurrences it missed into itself."""
    late = now - due > PAST_DUE_SLACK
    return late, schedule.next_after(now if late else due)


class TimerRunner:
    def __init__(self, fn: TimerFunction, clock: Clock = _now) -> None:
        self.fn = fn
        self.name = fn.target.name
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: datetime | None = None

    def describe(self) -> str:
        startup = ", run on startup" if self.fn.run_on_startup else ""
        return f"timer  {self.name}: {self.fn.schedule.text}{startup}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"devhost-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def fire(self, scheduled: datetime, past_due: bool) -> None:
        now = self._clock()
        request = TimerRequest(
            past_due=past_due,
            schedule_status={
                "Last": (self._last or now).isoformat(),
                "Next": self.fn.schedule.next_after(now).isoformat(),
                "LastUpdated": now.isoformat(),
            },
            schedule={"AdjustForDST": True},
        )
        self._last = scheduled
        try:
            call_sync(self.fn.target, request)
        except Exception:
            log.exception("timer %s raised; it keeps its schedule", self.name)

    def _run(self) -> None:
        if self.fn.run_on_startup and not self._stop.is_set():
            self.fire(self._clock(), past_due=False)
        due = self.fn.schedule.next_after(self._clock())
        while not self._stop.is_set():
            delay = (due - self._clock()).total_seconds()
            if delay > 0 and self._stop.wait(delay):
                return
            late, following = after_run(self.fn.schedule, due, self._clock())
            self.fire(due, past_due=late)
            due = following
