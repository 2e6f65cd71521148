"""The outbox relay lease on SQLite and MariaDB: two relays racing for many lease
periods send each event exactly once.

Time is a ``ManualClock`` at a real epoch (2026): MySQL's single-precision FLOAT keeps an
epoch second only to within 128 s there, which is how a fresh 60 s lease was once stored
already expired (migration 0004 made the column a DOUBLE). Each relay is a separate
"instance" with its own engine, and each one's publish first lets the other try the
relay: the exact moment a second instance's timer fires while the first is sending.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.events_local import LocalBus
from shared.adapters.sql import SqlDatabase
from shared.confighub.outbox import OutboxRelay
from shared.confighub.repository import ConfigStore
from shared.confighub.repository_outbox import OutboxStore
from shared.events import new_event
from tests.counting import Call, CallLog, Counted

HUB = "confighub-config-update"
START = datetime(2026, 3, 3, 15, 0, 7, 250_000, tzinfo=UTC)
LEASE_SECONDS = 60.0
STEP_SECONDS = 23.0
STEPS = 120
"""46 minutes of traffic: 46 lease periods."""
APPS = ("omni-product", "sourcing", "inventory-availability")


@pytest.fixture(params=["sqlite", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'confighub.db'}"
    value: str = request.getfixturevalue("mariadb_url")
    return value


@pytest.fixture
def instances(url: str) -> Iterator[tuple[SqlDatabase, SqlDatabase]]:
    first, second = SqlDatabase(url), SqlDatabase(url)
    first.migrate()
    yield first, second
    first.dispose()
    second.dispose()


class Racing:
    """Two relays over one bus; before each publish of one, the other tries to relay."""

    def __init__(self, dbs: tuple[SqlDatabase, SqlDatabase], clock: ManualClock) -> None:
        self.bus = LocalBus()
        self.relays: list[OutboxRelay] = []
        self._nested = False
        for db in dbs:
            publisher = Counted(self.bus, "bus", log=CallLog(before=self._rival_tries))
            relay = OutboxRelay(
                OutboxStore(db.engine),
                publisher,  # type: ignore[arg-type]
                batch_size=4,
                lease_seconds=LEASE_SECONDS,
                clock=clock,
                inline_deadline=1.0,
            )
            self.relays.append(relay)

    def _rival_tries(self, call: Call) -> None:
        if call.method != "publish" or self._nested:
            return
        self._nested = True
        try:
            for relay in self.relays:
                relay.relay_pending()
        finally:
            self._nested = False


def add_events(db: SqlDatabase, clock: ManualClock, step: int) -> list[str]:
    ids = []
    with ConfigStore(db.engine).unit_of_work() as uow:
        for n, app in enumerate(APPS):
            event = new_event(
                "ConfigUpdated",
                service_id="t",
                subject=app,
                version=step * 10 + n,
                payload={"step": step},
                timestamp=clock.now(),
            )
            uow.add_outbox(
                HUB,
                app,
                event.event_type,
                json.dumps(event.to_wire()),
                clock.now().replace(tzinfo=None),
            )
            ids.append(event.event_id)
        uow.commit()
    return ids


def test_two_relays_racing_for_many_lease_periods_send_each_event_once(
    instances: tuple[SqlDatabase, SqlDatabase],
) -> None:
    clock = ManualClock(START)
    racing = Racing(instances, clock)
    written: list[str] = []
    for step in range(STEPS):
        written += add_events(instances[step % 2], clock, step)
        racing.relays[step % 2].relay_pending()
        if step % 17 == 5:
            # An instance dies holding the lease: nobody sends until it lapses.
            with OutboxStore(instances[1].engine).session() as rows:
                assert rows.claim_lease("died-holding-it", clock.time(), LEASE_SECONDS)
        clock.advance(STEP_SECONDS)
    clock.advance(LEASE_SECONDS + 1)
    racing.relays[0].relay_pending()
    sent = [record.body for record in racing.bus.read(HUB, 0, 100_000)]
    counts = Counter(body["eventId"] for body in sent)
    assert [eid for eid, n in counts.items() if n != 1] == []
    assert sorted(counts) == sorted(written)
    for app in APPS:
        versions: list[Any] = [b["version"] for b in sent if b["subject"] == app]
        assert versions == sorted(versions)
