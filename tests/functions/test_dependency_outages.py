"""The table of issue 19, row by row: what happened when a dependency did not answer,
reproduced, and what happens now.

Redis is a real server this test starts and then kills or freezes by its PID. Event
Hubs is the recording fake producer (no emulator runs here) behind the real adapter,
built with the composition root's own options, made to hang like a namespace that
takes the connection and never answers (the SDK's link open waited 12 s on it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.adapters.events_eventhub import EventHubPublisher
from shared.bootstrap import Registry
from shared.catalog.demo.generator import demo_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.errors import Unavailable
from shared.inventory.demo import seed_inventory_data
from shared.security import CATALOG_ADMIN
from tests.conftest import embedded_settings
from tests.contract.eventhub_fake import FakeNamespace
from tests.functions.catalog_helpers import gql, http
from tests.functions.confighub_helpers import FUNCTIONS as CONFIGHUB
from tests.functions.confighub_helpers import create
from tests.functions.test_catalog_admin_events import draft, token
from tests.http_client import call, function
from tests.redis_server import RedisProcess, missing_prerequisite

SKU = demo_skus(3)[0]
LISTING = (
    "{ products(first: 3) { edges { node { productId name"
    " variants { sku availability { status available } } } } } }"
)


def seeded(reg: Registry) -> None:
    seed_catalog_products(reg.catalog(), 3)
    seed_inventory_data(reg.inventory(), "BEAUTY_US", demo_skus(3))


def availability() -> tuple[int, Any]:
    got = call("get_availability", "GET", f"availability/{SKU}", route={"itemId": SKU})
    return got.status, got.json


# --- row 1: Redis ----------------------------------------------------------------------
@dataclass(frozen=True)
class Before:
    """What the storefront answered while Redis was up."""

    availability: tuple[int, Any]
    listing: Any


@pytest.fixture(params=["killed", "frozen"])
def redis_down(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Before]:
    """Seeded with Redis up (so it holds entries), then Redis goes: killed (refused, and
    gone for good) or frozen (every command runs into its 0.2 s deadline)."""
    problem = missing_prerequisite()
    if problem is not None:
        pytest.skip(problem)
    server = RedisProcess()
    server.start()
    reg = Registry(embedded_settings(tmp_path, REDIS_URL=server.url, REDIS_TIMEOUT_SECONDS=0.2))
    try:
        with bootstrap.use_registry(reg):
            seeded(reg)
            before = Before(availability(), gql(LISTING)["data"])
            if request.param == "killed":
                server.kill()
            else:
                server.pause()
            yield before
    finally:
        server.kill()


def test_redis_down_the_storefront_still_answers_from_the_stores(redis_down: Before) -> None:
    """Was: ``/api/health`` 503, ``GET /availability/{item}`` 503, the listing
    ``data: null`` with ``UNAVAILABLE``. Now: the same answers as with Redis up."""
    assert redis_down.availability[0] == 200
    assert availability() == redis_down.availability
    result = gql(LISTING)
    assert (result["_status"], result.get("errors")) == (200, None)
    assert result["data"] == redis_down.listing
    health = http("GET", "health", function="health")
    assert (health.status_code, json.loads(health.get_body())["status"]) == (200, "degraded")


# --- rows 2-4: Event Hubs --------------------------------------------------------------
@dataclass(frozen=True)
class Hanging:
    registry: Registry
    namespace: FakeNamespace
    release: threading.Event
    feed_from: str
    """The products change feed's continuation before the test's writes."""


@pytest.fixture
def hub_hangs(tmp_path: Path) -> Iterator[Hanging]:
    reg = Registry(
        embedded_settings(
            tmp_path, EVENTHUB_SEND_TIMEOUT_SECONDS=0.3, EVENTS_INLINE_TIMEOUT_SECONDS=0.2
        )
    )
    namespace, release = FakeNamespace(), threading.Event()
    reg.override(events=EventHubPublisher(namespace, **reg.eventhub_options()))
    with bootstrap.use_registry(reg):
        seeded(reg)
        store: Any = reg.documents()
        since = store.read_change_feed("products", None, 100_000).continuation
        namespace.set_hang(release)
        try:
            yield Hanging(reg, namespace, release, since)
        finally:
            release.set()


def sent(namespace: FakeNamespace, hub: str) -> list[dict[str, Any]]:
    producer = namespace.producers.get(hub)
    if producer is None:
        return []
    return [e.body_as_json() for batch in producer.sent for e in batch.events]


def test_a_hub_that_never_answers_leaves_a_product_write_alone_and_loses_no_event(
    hub_hangs: Hanging,
) -> None:
    """Was: ``PUT /products/{id}`` waited 12.3 s and answered 503 with the product
    written and its ``ProductChanged`` never sent. Now the write never touches the bus:
    200 at version 2; the change feed's batch fails within its deadline (the host
    retries it) and is sent once the hub answers."""
    namespace = hub_hangs.namespace
    put = http(
        "PUT",
        "products/prod-000002",
        body=draft(2, name="Renamed"),
        headers=token(CATALOG_ADMIN),
        function="put_product",
        route_params={"productId": "prod-000002"},
    )
    assert (put.status_code, put.headers["ETag"]) == (200, '"2"')
    store: Any = hub_hangs.registry.documents()
    batch = store.read_change_feed("products", hub_hangs.feed_from, 100).documents
    feed = func.DocumentList([func.Document.from_dict(d) for d in batch])
    with pytest.raises(Unavailable) as raised:
        function("catalog_change_feed")(feed)
    assert raised.value.message == "event hub 'product-catalog-updates' did not answer within 0.3 s"
    assert sent(namespace, "product-catalog-updates") == []
    hub_hangs.release.set()
    namespace.set_hang(None)
    function("catalog_change_feed")(feed)
    events = sent(namespace, "product-catalog-updates")
    assert [(e["eventType"], e["subject"], e["version"]) for e in events] == [
        ("ProductChanged", "prod-000002", 2)
    ]


def test_a_hub_that_never_answers_costs_a_config_write_the_inline_deadline_only(
    hub_hangs: Hanging,
) -> None:
    """Was: ``POST /configs`` answered 201 after 12 s: the after-commit relay waited on
    the hub inside the request. Now it answers once the inline deadline (0.2 s) passes,
    with the hub's call still blocked; the timer sends the event once the hub answers."""
    namespace = hub_hangs.namespace
    created = create(application="omni-product", prop="catalog.size", val="20")
    assert created.status == 201
    assert namespace.producers["confighub-config-update"].waiting == 1
    assert sent(namespace, "confighub-config-update") == []
    hub_hangs.release.set()
    namespace.set_hang(None)
    CONFIGHUB["relay_confighub_outbox"].get_user_function()(None)
    events = sent(namespace, "confighub-config-update")
    assert [(e["eventType"], e["subject"], e["payload"]["prop"]) for e in events] == [
        ("ConfigCreated", "omni-product", "catalog.size")
    ]


def test_health_says_events_failed_while_the_hub_never_answers(hub_hangs: Hanging) -> None:
    """Was: ``events: ok`` throughout. Now: degraded, naming each hub it could not reach."""
    health = http("GET", "health", function="health")
    body = json.loads(health.get_body())
    assert (health.status_code, body["status"], body["checks"]["events"]) == (
        200,
        "degraded",
        "failed",
    )
    assert (
        "product-catalog-updates: product-catalog-updates did not answer within 0.2 s"
        in (body["failures"]["events"])
    )
