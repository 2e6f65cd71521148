"""The outbox relay: publishes committed change events, in order, at least once.

Writes call it right after commit (``relay_after_commit``: with a short deadline, the
request is waiting) and a timer calls it for whatever is left (the hub was down or slow,
the process died between commit and publish). Only the holder of the relay lease
sends, so per-application order holds and two relays never send one row twice. A failed
publish stops the pass at that row: later rows wait, nothing is skipped.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from itertools import groupby
from typing import Protocol

from shared.confighub.common import sql_time
from shared.ports import Clock, EventPublisher

log = logging.getLogger("confighub.outbox")


class PendingEvent(Protocol):
    @property
    def outbox_id(self) -> int: ...

    @property
    def hub(self) -> str: ...

    @property
    def body(self) -> str: ...


class OutboxRows(Protocol):
    """The relay's statements, each committed on its own."""

    def claim_lease(self, holder: str, now: float, ttl_seconds: float) -> bool: ...

    def release_lease(self, holder: str) -> None: ...

    def pending(self, limit: int) -> Sequence[PendingEvent]: ...

    def mark_sent(self, ids: Sequence[int], sent_at: datetime) -> None: ...

    def note_failure(self, ids: Sequence[int]) -> None: ...


class OutboxStorage(Protocol):
    def session(self) -> AbstractContextManager[OutboxRows]: ...


class OutboxRelay:
    def __init__(
        self,
        storage: OutboxStorage,
        publisher: EventPublisher,
        *,
        batch_size: int,
        lease_seconds: float,
        clock: Clock,
        inline_deadline: float,
    ) -> None:
        """``inline_deadline``: seconds the after-commit relay may spend publishing
        (``EVENTS_INLINE_TIMEOUT_SECONDS``)."""
        self._storage = storage
        self._publisher = publisher
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds
        self._clock = clock
        self._inline_deadline = inline_deadline

    def relay_after_commit(self) -> int:
        """The writer's relay: publishes within the short deadline and leaves the rest
        (a slow or absent hub, a long backlog) to the timer."""
        return self.relay_pending(deadline=self._inline_deadline)

    def relay_pending(self, max_passes: int = 50, *, deadline: float | None = None) -> int:
        """Send what is pending; returns how many events went out. With ``deadline``
        (seconds), each publish gets what is left of it and no batch starts after it.

        After releasing the lease the relay looks once more: a writer that committed
        while we held the lease could not claim it, and its row must not wait for the
        timer.
        """
        sent = 0
        until = None if deadline is None else self._clock.time() + deadline
        with self._storage.session() as rows:
            for _ in range(max_passes):
                holder = uuid.uuid4().hex
                if not rows.claim_lease(holder, self._clock.time(), self._lease_seconds):
                    return sent
                try:
                    count, healthy = self._drain(rows, until)
                    sent += count
                finally:
                    rows.release_lease(holder)
                if not healthy or not rows.pending(1):
                    return sent
        return sent

    def _drain(self, rows: OutboxRows, until: float | None) -> tuple[int, bool]:
        """``(sent, healthy)``; a pass cut short by the deadline is not healthy, so the
        relay stops and the timer carries on."""
        sent = 0
        while True:
            batch = rows.pending(self._batch_size)
            for hub, run in groupby(batch, key=lambda record: record.hub):
                records = list(run)
                ids = [record.outbox_id for record in records]
                left = None if until is None else until - self._clock.time()
                if left is not None and left <= 0:
                    return sent, False
                try:
                    self._publisher.publish(
                        hub, [json.loads(record.body) for record in records], timeout=left
                    )
                except Exception as exc:  # noqa: BLE001 - any publisher failure: retry later
                    log.warning(
                        "outbox relay: %d event(s) for %s kept for retry (%s)",
                        len(ids),
                        hub,
                        type(exc).__name__,
                    )
                    rows.note_failure(ids)
                    return sent, False
                rows.mark_sent(ids, sql_time(self._clock.now()))
                sent += len(ids)
            if len(batch) < self._batch_size:
                return sent, True
