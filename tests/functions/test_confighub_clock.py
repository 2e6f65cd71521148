"""ConfigHub's times come from the registry's clock: the stored and answered times of a
config, its audit rows, groups and change events, and when a relay lease lapses."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.confighub.repository_outbox import OutboxStore
from shared.confighub.repository_tables import outbox
from tests.functions.confighub_helpers import create, hub, invoke
from tests.functions.test_confighub_events import pending, published, run_timer

__all__ = ["hub"]

START = datetime(2026, 3, 3, 15, 0, 0, 250_000, tzinfo=UTC)


def test_config_audit_group_and_event_times(hub: Registry) -> None:
    clock = ManualClock(START)
    hub.override(clock=clock)
    group = invoke("create_config_group", "POST", body={"groupName": "paging"}).body
    created = create().body
    config_id = str(created["configId"])
    clock.advance(90)
    updated = invoke(
        "update_config",
        "PUT",
        body={"val": "60"},
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    ).body
    # Stored to the second (MySQL DATETIME keeps no fraction), as naive UTC.
    assert (group["createDttm"], group["updateDttm"]) == ("2026-03-03T15:00:00",) * 2
    assert (created["createDttm"], created["updateDttm"]) == ("2026-03-03T15:00:00",) * 2
    assert (updated["createDttm"], updated["updateDttm"]) == (
        "2026-03-03T15:00:00",
        "2026-03-03T15:01:30",
    )
    assert invoke("get_config", route={"configId": config_id}).body == updated
    history = invoke("list_config_audit", route={"configId": config_id}).body["items"]
    assert [a["createDttm"] for a in history] == ["2026-03-03T15:01:30", "2026-03-03T15:00:00"]
    assert [e["timestamp"] for e in published(hub)] == [
        "2026-03-03T15:00:00.250000Z",
        "2026-03-03T15:01:30.250000Z",
    ]
    with hub.sql().engine.connect() as conn:
        sent = conn.execute(sa.select(outbox.c.sent_dttm).order_by(outbox.c.outbox_id)).all()
    assert [row.sent_dttm for row in sent] == [
        datetime(2026, 3, 3, 15, 0, 0),
        datetime(2026, 3, 3, 15, 1, 30),
    ]


def test_a_crashed_relays_lease_lapses_by_the_clock(hub: Registry) -> None:
    """A relay that died holding the lease blocks the outbox for the lease's seconds
    (``CONFIGHUB_RELAY_LEASE_SECONDS``, 60 by default) and not one more."""
    clock = ManualClock(START)
    hub.override(clock=clock)
    with OutboxStore(hub.sql().engine).session() as rows:
        assert rows.claim_lease("crashed-relay", clock.time(), 60.0)
    create()
    assert (pending(hub), published(hub)) == (1, [])
    clock.advance(59)
    run_timer()
    assert pending(hub) == 1
    clock.advance(1.5)
    run_timer()
    assert (pending(hub), [e["eventType"] for e in published(hub)]) == (0, ["ConfigCreated"])
