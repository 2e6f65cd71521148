"""Change events: one per change, in order per application, none lost in an outage."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import azure.functions as func
import sqlalchemy as sa

from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from tests.conftest import embedded_settings
from tests.functions.confighub_helpers import FUNCTIONS, READER, create, hub, invoke
from tests.redis_server import redis_process

__all__ = ["hub"]

HUB = "confighub-config-update"


def published(reg: Registry) -> list[dict[str, Any]]:
    bus: Any = reg.events()
    return [record.body for record in bus.read(HUB, 0, 10_000)]


def pending(reg: Registry) -> int:
    with reg.sql().engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT COUNT(*) FROM outbox WHERE sent_dttm IS NULL")
            ).scalar_one()
        )


def run_timer() -> None:
    FUNCTIONS["relay_confighub_outbox"].get_user_function()(None)


def update(config_id: int, version: int, val: str) -> None:
    result = invoke(
        "update_config",
        "PUT",
        body={"val": val, "valType": "INT"},
        route={"configId": str(config_id)},
        headers={"If-Match": f'"{version}"'},
    )
    assert result.status == 200, result.body


def test_each_change_publishes_one_event_after_commit(hub: Registry) -> None:
    config = create().body
    update(config["configId"], 1, "60")
    invoke(
        "delete_config",
        "DELETE",
        route={"configId": str(config["configId"])},
        headers={"If-Match": '"2"'},
    )
    events = published(hub)
    assert [(e["eventType"], e["subject"], e["version"]) for e in events] == [
        ("ConfigCreated", "omni-product", 1),
        ("ConfigUpdated", "omni-product", 2),
        ("ConfigDeleted", "omni-product", 3),
    ]
    assert events[1]["payload"] == {
        "configId": config["configId"],
        "application": "omni-product",
        "profile": "dev",
        "label": "main",
        "prop": "catalog.page-size",
        "version": 2,
        "valType": "INT",
        "val": "60",
    }
    assert "val" not in events[2]["payload"]
    assert events[0]["serviceId"] == "commerce-functions"
    bus: Any = hub.events()
    assert [r.partition_key for r in bus.read(HUB, 0, 100)] == ["omni-product"] * 3
    assert pending(hub) == 0


def test_secret_values_stay_out_of_events(hub: Registry) -> None:
    create(prop="payments.api-key", val="k-123", valType="STRING")
    (event,) = published(hub)
    assert "val" not in event["payload"]
    assert event["payload"]["prop"] == "payments.api-key"


def test_dry_run_and_failed_writes_publish_nothing(hub: Registry) -> None:
    invoke(
        "create_config",
        "POST",
        body={"application": "a", "prop": "p", "val": "v"},
        params={"dryRun": "true"},
    )
    invoke(
        "create_config",
        "POST",
        body={"application": "a", "prop": "p", "val": "x", "valType": "INT"},
    )
    create(application="a", prop="p", val="v", valType="STRING", profile=None)
    invoke("create_config", "POST", body={"application": "a", "prop": "p", "val": "v"})
    assert [e["eventType"] for e in published(hub)] == ["ConfigCreated"]
    assert pending(hub) == 0


def test_outage_loses_nothing_and_keeps_order_per_application(hub: Registry) -> None:
    bus: Any = hub.events()
    bus.pause()
    first = create(application="omni-product", prop="a", val="1").body
    second = create(application="sourcing", prop="b", val="1").body
    update(first["configId"], 1, "2")
    update(second["configId"], 1, "2")
    update(first["configId"], 2, "3")
    run_timer()
    assert published(hub) == []
    assert pending(hub) == 5
    bus.resume()
    run_timer()
    run_timer()
    events = published(hub)
    assert [(e["subject"], e["eventType"], e["payload"]["val"]) for e in events] == [
        ("omni-product", "ConfigCreated", "1"),
        ("sourcing", "ConfigCreated", "1"),
        ("omni-product", "ConfigUpdated", "2"),
        ("sourcing", "ConfigUpdated", "2"),
        ("omni-product", "ConfigUpdated", "3"),
    ]
    assert len({e["eventId"] for e in events}) == 5
    assert pending(hub) == 0
    with hub.sql().engine.connect() as conn:
        attempts = conn.execute(sa.text("SELECT attempts FROM outbox ORDER BY outbox_id")).all()
    assert [row[0] for row in attempts] == [6, 5, 4, 3, 2]


def test_concurrent_relays_send_each_event_once(hub: Registry) -> None:
    bus: Any = hub.events()
    bus.pause()
    for i in range(30):
        create(application=f"app{i % 3}", prop=f"p{i}", val=str(i))
    bus.resume()
    service = hub.confighub()
    barrier = threading.Barrier(4)

    def relay() -> None:
        barrier.wait()
        for _ in range(3):
            service.relay_outbox()

    threads = [threading.Thread(target=relay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = published(hub)
    assert [e["payload"]["prop"] for e in events] == [f"p{i}" for i in range(30)]
    assert pending(hub) == 0


def test_unit_of_work_rolls_back_unless_committed(hub: Registry) -> None:
    from shared.confighub.repository import ConfigStore

    store = ConfigStore(hub.sql().engine)
    now = datetime(2026, 3, 3, 15, 0)
    values = {
        "application": "a",
        "profile": None,
        "label": "main",
        "prop": "p",
        "val": "v",
        "val_type": "STRING",
        "description": None,
        "config_group_id": None,
        "ui_consume": False,
        "version": 1,
        "updated_by": "t",
        "create_dttm": now,
        "update_dttm": now,
    }
    with store.unit_of_work() as uow:
        config_id = uow.insert_config(values)
        uow.add_outbox(HUB, "a", "ConfigCreated", "{}", now)
    assert store.get_config(config_id) is None
    assert pending(hub) == 0


def test_large_values_stay_out_of_events(hub: Registry) -> None:
    create(prop="catalog.banner-html", val="x" * (64 * 1024 + 1), valType="STRING")
    create(prop="catalog.banner-text", val="y" * (64 * 1024), valType="STRING")
    first, second = published(hub)
    assert "val" not in first["payload"]
    assert second["payload"]["val"] == "y" * (64 * 1024)


def test_a_cache_outage_degrades_reads_and_serves_no_stale_environment_after_it(
    tmp_path: Path,
) -> None:
    """Redis (started here) freezes with an environment cached: reads come from SQL and
    the circuit opens; a write still answers, and the consumer takes its batch (the
    invalidations they could not send are remembered). Thawed, Redis still holds the old
    environment under its old generation; the first call after the breaker's reset time
    repairs that before anything is read."""
    clock = ManualClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    with redis_process() as server:
        reg = Registry(embedded_settings(tmp_path, REDIS_URL=server.url, REDIS_TIMEOUT_SECONDS=0.2))
        reg.override(clock=clock)

        def read() -> dict[str, str]:
            got = invoke("confighub_spring", route={"path": "omni-product/dev"}, roles=(READER,))
            assert got.status == 200
            sources: list[dict[str, Any]] = got.body["propertySources"]
            return sources[0]["source"]  # type: ignore[no-any-return]

        with bootstrap.use_registry(reg):
            config = create(profile=None, prop="catalog.size", val="20").body
            assert read() == {"catalog.size": "20"}
            server.pause()
            assert read() == {"catalog.size": "20"}  # from SQL; the circuit opens
            update(config["configId"], 1, "30")
            assert read() == {"catalog.size": "30"}
            consumer = FUNCTIONS["invalidate_confighub_cache"].get_user_function()
            consumer([func.EventHubEvent(body=json.dumps(e).encode()) for e in published(reg)])
            server.resume()
            assert read() == {"catalog.size": "30"}
            clock.advance(reg.settings.cache_breaker_reset_seconds)
            assert read() == {"catalog.size": "30"}
            assert reg.health()["cache"] == (True, "redis")
