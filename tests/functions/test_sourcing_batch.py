"""``calculate_options_many``, the batch the product pages use, on embedded adapters:
the same answers as one call per request, a bounded number of store reads per
enterprise, and no ``SourcingOptionsCalculated`` events (neither directly nor from a
catalog page that shows delivery options)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.adapters.events_local import LocalBus
from shared.bootstrap import Registry
from shared.catalog.demo.generator import demo_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.errors import RuleViolation
from shared.inventory.demo import seed_inventory_data
from shared.inventory.model import NodeType
from shared.sourcing.demo import demo_carrier_services, demo_rules, seed_sourcing
from shared.sourcing.model import CartLine, Destination, SourcingOption, SourcingRequest
from tests.conftest import embedded_settings
from tests.counting import CallLog, CountedStore
from tests.functions.catalog_helpers import gql
from tests.functions.test_sourcing_http import Notes, add_node

US, CA = "BEAUTY_US", "BEAUTY_CA"
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def request(
    enterprise: str,
    postal_code: str,
    *lines: tuple[str, int, bool],
    **changes: object,
) -> SourcingRequest:
    values: dict[str, object] = {
        "enterprise_code": enterprise,
        "destination": Destination(postal_code=postal_code, country="US"),
        "lines": tuple(
            CartLine(line_id=str(n), item_id=item, quantity=quantity, hazmat=hazmat)
            for n, (item, quantity, hazmat) in enumerate(lines, start=1)
        ),
    }
    values.update(changes)
    return SourcingRequest.model_validate(values)


US_REQUESTS = [
    request(US, "10001", ("LIPSTICK", 2, False)),
    request(US, "94105", ("NAIL_POLISH", 1, True)),
    request(US, "10001", ("LIPSTICK", 11, False)),
    request(
        US,
        "10001",
        ("LIPSTICK", 1, False),
        fulfillment_type="PICKUP",
        destination=Destination(postal_code="10001", country="US", type="STORE"),
    ),
    request(US, "60601", ("SERUM", 1, False), levels_of_service=("NEXT_DAY",)),
    request(US, "60601", ("NOT_STOCKED", 1, False)),
]
CA_REQUESTS = [request(CA, "14202", ("LIPSTICK", 1, False))]
EVERY_REQUEST = [US_REQUESTS[0], CA_REQUESTS[0], *US_REQUESTS[1:]]

AIR_AND_GROUND = [("STANDARD", "2026-03-04")]
"""Air arrives no sooner than ground from the nearby node: both dominated."""
EXPECTED = [
    AIR_AND_GROUND,
    AIR_AND_GROUND,
    [("STANDARD", "2026-03-06")],
    [("NEXT_DAY", "2026-03-04"), ("TWO_DAY", "2026-03-05"), ("STANDARD", "2026-03-09")],
    [("STORE_PICKUP", "2026-03-03")],
    [("NEXT_DAY", "2026-03-04")],
    [],
]


def seed(reg: Registry) -> None:
    sourcing = reg.sourcing()
    for enterprise in (US, CA):
        for carrier_service in demo_carrier_services(enterprise):
            sourcing.put_carrier_service(carrier_service.id, carrier_service)
        for rule in demo_rules(enterprise):
            sourcing.put_sourcing_rule(rule.id, rule)
    nodes = [
        ("DC_NJ", NodeType.DC, 40.52, -74.41, "America/New_York", {"LIPSTICK": 3}, US),
        ("DC_TX", NodeType.DC, 32.79, -96.80, "America/Chicago", {"LIPSTICK": 9}, US),
        ("DC_IL", NodeType.DC, 41.85, -87.65, "America/Chicago", {"SERUM": 4}, US),
        ("DC_NV", NodeType.DC, 36.17, -115.14, "America/Los_Angeles", {"NAIL_POLISH": 9}, US),
        ("STORE_NYC", NodeType.STORE, 40.7484, -73.9967, "America/New_York", {"LIPSTICK": 2}, US),
        ("DC_BUF", NodeType.DC, 42.89, -78.88, "America/New_York", {"LIPSTICK": 5}, CA),
    ]
    for node_id, kind, lat, lon, zone, stock, enterprise in nodes:
        add_node(reg, node_id, kind, lat, lon, zone, stock, enterprise=enterprise)


@pytest.fixture
def seeded(registry: Registry) -> Registry:
    registry.override(clock=ManualClock(NOW))
    seed(registry)
    return registry


def levels(options: Sequence[SourcingOption]) -> list[tuple[str, str]]:
    return [(o.level_of_service, o.delivery_date.isoformat()) for o in options]


def test_batch_answers_equal_one_call_per_request(seeded: Registry) -> None:
    sourcing = seeded.sourcing()
    answers = sourcing.calculate_options_many(EVERY_REQUEST)
    assert answers == [sourcing.calculate_options(r) for r in EVERY_REQUEST]
    assert [levels(a.options) for a in answers] == EXPECTED
    assert [a.unavailable_lines for a in answers] == [(), (), (), (), (), (), ("1",)]
    assert [[s.ship_node for s in a.options[0].shipments] for a in answers[:6]] == [
        ["STORE_NYC"],
        ["DC_BUF"],
        ["DC_NV"],
        ["STORE_NYC", "DC_TX"],
        ["STORE_NYC"],
        ["DC_IL"],
    ]
    assert [[n.ship_node for n in a.explanation.rejected_nodes] for a in answers[:2]] == [
        ["DC_IL", "DC_NV"],
        [],
    ]


def test_batch_publishes_nothing_and_a_single_call_publishes_one(seeded: Registry) -> None:
    bus = seeded.events()
    assert isinstance(bus, LocalBus)
    hub = seeded.settings.hub_sourcing_updates
    start = bus.end_offset(hub)
    seeded.sourcing().calculate_options_many(EVERY_REQUEST)
    assert bus.end_offset(hub) == start
    seeded.sourcing().calculate_options(US_REQUESTS[0])
    assert [r.body["eventType"] for r in bus.read(hub, start)] == ["SourcingOptionsCalculated"]


LISTING = """query @inContext(postalCode: "60601") { products(first: 20) { edges { node {
  variants { sku availability { status } deliveryOptions { levelOfService } } } } } }"""


def test_a_listing_page_with_delivery_options_publishes_no_sourcing_events(
    registry: Registry,
) -> None:
    seed_catalog_products(registry.catalog(), 20)
    seed_inventory_data(registry.inventory(), US, demo_skus(20))
    seed_sourcing(registry, Notes())
    bus = registry.events()
    assert isinstance(bus, LocalBus)
    hub = registry.settings.hub_sourcing_updates
    start = bus.end_offset(hub)
    result = gql(LISTING)
    assert "errors" not in result, result.get("errors")
    variants = [v for e in result["data"]["products"]["edges"] for v in e["node"]["variants"]]
    assert len(variants) > 20
    stocked = [v["availability"]["status"] != "OUT_OF_STOCK" for v in variants]
    assert [bool(v["deliveryOptions"]) for v in variants] == stocked
    assert any(stocked)
    assert bus.end_offset(hub) == start


def counted_reads(
    tmp_path: Path, requests: list[SourcingRequest], *, check_hazmat: bool = True
) -> dict[str, int]:
    """Store calls of one batch on a fresh registry (cold caches) over seeded files."""
    with bootstrap.use_registry(Registry(embedded_settings(tmp_path))) as reg:
        seed(reg)
    log = CallLog()
    fresh = Registry(embedded_settings(tmp_path))
    with bootstrap.use_registry(fresh):
        fresh.override(documents=CountedStore(fresh.documents(), log), clock=ManualClock(NOW))
        fresh.sourcing().calculate_options_many(requests, check_hazmat=check_hazmat)
    return dict(log.by_target())


ONE_ENTERPRISE = {
    "carrier_services.query": 1,
    "sourcing_rules.query": 1,
    "ship_nodes.query": 1,
    "inventory.query": 1,
}

TWO_ENTERPRISES = {
    "carrier_services.query": 2,
    "sourcing_rules.query": 2,
    "ship_nodes.query": 2,
    # Supply records are cached per item, not per enterprise: the second enterprise's
    # LIPSTICK is the one the first already read.
    "inventory.query": 1,
}


@pytest.mark.parametrize(
    ("requests", "expected", "skus"),
    [
        ([], {}, 0),
        (US_REQUESTS[:1], ONE_ENTERPRISE, 1),
        (US_REQUESTS, ONE_ENTERPRISE, 4),
        (US_REQUESTS * 20, ONE_ENTERPRISE, 4),
        (EVERY_REQUEST, TWO_ENTERPRISES, 4),
    ],
    ids=["empty", "one-request", "six-requests", "120-requests", "two-enterprises"],
)
def test_store_reads_per_enterprise_not_per_request(
    tmp_path: Path, requests: list[SourcingRequest], expected: dict[str, int], skus: int
) -> None:
    """The hazmat lookup asks the catalog once per distinct SKU the catalog's cache does
    not know (here none is in the catalog), whatever the number of requests; a caller
    that owns the flags (the catalog's own promises) costs no catalog read at all."""
    hazmat_reads = {"products.query": skus} if skus else {}
    assert counted_reads(tmp_path, requests) == expected | hazmat_reads
    assert counted_reads(tmp_path, requests, check_hazmat=False) == expected


BAD = [
    ("unknown-enterprise", request("NOPE", "10001", ("LIPSTICK", 1, False)), "UNKNOWN_ENTERPRISE"),
    ("unknown-zip", request(US, "00000", ("LIPSTICK", 1, False)), "UNKNOWN_POSTAL_CODE"),
    (
        "no-rule",
        request(
            US,
            "10001",
            ("LIPSTICK", 1, False),
            destination=Destination(postal_code="10001", country="US", type="BUSINESS"),
        ),
        "NO_SOURCING_RULE",
    ),
    (
        "order-date-out-of-range",
        request(
            US,
            "10001",
            ("LIPSTICK", 1, False),
            order_date=datetime(2031, 1, 1, tzinfo=UTC),
        ),
        "ORDER_DATE_OUT_OF_RANGE",
    ),
]


@pytest.mark.parametrize(("bad", "code"), [pytest.param(*row[1:], id=row[0]) for row in BAD])
def test_one_invalid_request_fails_the_batch_with_its_code(
    seeded: Registry, bad: SourcingRequest, code: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        seeded.sourcing().calculate_options_many([US_REQUESTS[0], bad, CA_REQUESTS[0]])
    assert caught.value.code == code
    with pytest.raises(RuleViolation) as single:
        seeded.sourcing().calculate_options(bad)
    assert (caught.value.message, caught.value.details) == (
        single.value.message,
        single.value.details,
    )
