"""The products container's change feed is the local catalog's outbox.

Batches are read from the embedded store's own change feed (latest version of each
changed document, in commit order) and handed to the trigger as ``func.DocumentList``,
as the devhost and the Functions host do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import azure.functions as func
import pytest

from shared.bootstrap import Registry
from shared.catalog.demo.generator import build_brands, build_categories
from shared.catalog.demo.seed import seed_catalog_products
from shared.catalog.feed import catalog_event_id
from shared.errors import Unavailable
from shared.security import CATALOG_ADMIN
from tests.functions.catalog_helpers import FUNCTIONS, Harness, build_harness
from tests.functions.test_catalog_admin_events import draft, put, token

HUB = "product-catalog-updates"


class Feed:
    """The products container's change feed from a continuation, as a host reads it."""

    def __init__(self, registry: Registry) -> None:
        self.store: Any = registry.documents()
        self.continuation = self.store.read_change_feed("products", None, 100_000).continuation

    def batch(self) -> list[dict[str, Any]]:
        """What changed since the last ``commit``: the latest version of each document."""
        page = self.store.read_change_feed("products", self.continuation, 100_000)
        self._next = page.continuation
        docs: list[dict[str, Any]] = page.documents
        return docs

    def commit(self) -> None:
        self.continuation = self._next


def deliver(docs: list[dict[str, Any]]) -> None:
    FUNCTIONS["catalog_change_feed"](func.DocumentList([func.Document.from_dict(d) for d in docs]))


def published(registry: Registry, start: int = 0) -> list[dict[str, Any]]:
    bus: Any = registry.events()
    return [r.body | {"partitionKey": r.partition_key} for r in bus.read(HUB, start, 100_000)]


@pytest.fixture
def h(registry: Registry) -> Iterator[Harness]:
    yield build_harness(registry, 20)


def test_an_admin_write_publishes_nothing_and_the_feed_announces_it(h: Harness) -> None:
    feed, start = Feed(h.registry), len(published(h.registry))
    assert put("prod-000001", draft(1, name="Renamed"), token(CATALOG_ADMIN)).status_code == 200
    assert published(h.registry, start) == []
    deliver(feed.batch())
    [event] = published(h.registry, start)
    assert {k: event[k] for k in ("eventId", "eventType", "subject", "partitionKey")} == {
        "eventId": catalog_event_id("ProductChanged", "prod-000001", 2),
        "eventType": "ProductChanged",
        "subject": "prod-000001",
        "partitionKey": "prod-000001",
    }
    assert (event["version"], event["serviceId"], event["payload"]) == (
        2,
        "commerce-functions",
        {"productId": "prod-000001", "version": 2, "slug": draft(1)["slug"]},
    )


def test_a_bus_outage_loses_no_write_and_no_event(h: Harness) -> None:
    """With the bus down N writes succeed and nothing is sent; the feed's batch raises
    (the host retries it, never skips it); once the bus is back exactly N events arrive,
    one per product, in commit order."""
    feed, start = Feed(h.registry), len(published(h.registry))
    bus: Any = h.registry.events()
    bus.pause()
    products = [f"prod-{n:06d}" for n in (3, 1, 2, 5)]
    for pid in products:
        n = int(pid.removeprefix("prod-"))
        resp = put(pid, draft(n, name=f"Outage {n}"), token(CATALOG_ADMIN))
        assert (resp.status_code, resp.headers["ETag"]) == (200, '"2"')
    with pytest.raises(Unavailable):
        deliver(feed.batch())
    assert published(h.registry, start) == []
    bus.resume()
    deliver(feed.batch())
    feed.commit()
    events = published(h.registry, start)
    assert [(e["partitionKey"], e["eventType"], e["version"]) for e in events] == [
        (pid, "ProductChanged", 2) for pid in products
    ]
    assert len({e["eventId"] for e in events}) == len(products)


def test_writes_to_one_product_during_an_outage_are_announced_at_the_version_reached(
    h: Harness,
) -> None:
    """The change feed keeps the latest version of each document: consumers read
    state, so the last version is the one that matters."""
    feed, start = Feed(h.registry), len(published(h.registry))
    bus: Any = h.registry.events()
    bus.pause()
    for name in ("First", "Second", "Third"):
        assert put("prod-000004", draft(4, name=name), token(CATALOG_ADMIN)).status_code == 200
    bus.resume()
    deliver(feed.batch())
    assert [(e["subject"], e["version"]) for e in published(h.registry, start)] == [
        ("prod-000004", 4)
    ]


def test_a_replayed_batch_carries_the_same_ids(h: Harness) -> None:
    feed, start = Feed(h.registry), len(published(h.registry))
    put("prod-000002", draft(2, name="Once"), token(CATALOG_ADMIN))
    put("prod-000007", draft(7, name="Twice"), token(CATALOG_ADMIN))
    batch = feed.batch()
    deliver(batch)
    deliver(batch)
    first, replay = published(h.registry, start)[:2], published(h.registry, start)[2:]
    assert [e["eventId"] for e in replay] == [e["eventId"] for e in first]
    assert len({e["eventId"] for e in first}) == 2


def test_the_seeder_publishes_nothing_and_the_feed_announces_what_it_changed(
    registry: Registry,
) -> None:
    feed = Feed(registry)
    assert seed_catalog_products(registry.catalog(), 5) == 5
    assert published(registry) == []
    deliver(feed.batch())
    feed.commit()
    events = published(registry)
    by_type: dict[str, list[Any]] = {}
    for e in events:
        by_type.setdefault(e["eventType"], []).append((e["subject"], e["version"]))
    assert by_type == {
        "CategoriesChanged": [("CategoriesChanged", 1)] * len(build_categories()),
        "BrandsChanged": [("BrandsChanged", 1)] * len(build_brands()),
        "ProductChanged": [(f"prod-{n:06d}", 1) for n in range(1, 6)],
    }
    assert seed_catalog_products(registry.catalog(), 5) == 0
    assert feed.batch() == []


def test_documents_of_no_known_kind_are_skipped(h: Harness) -> None:
    start = len(published(h.registry))
    deliver([{"id": "x", "pk": "x", "docType": "note", "version": 1}, {"id": "y"}])
    assert published(h.registry, start) == []
