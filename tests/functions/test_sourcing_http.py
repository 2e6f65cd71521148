"""Sourcing triggers through ``azure.functions`` objects, on embedded adapters, with the
demo carrier services and rules and ship nodes put through the inventory service."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.events_local import LocalBus
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.inventory.model import Location, NodeType, ShipNodeSpec, SupplySpec
from shared.security import INVENTORY_ADMIN, SOURCING_ADMIN
from shared.sourcing.demo import seed_sourcing
from tests.conftest import TEST_SIGNING_KEY
from tests.http_client import Response, call

ENTERPRISE = "BEAUTY_US"
ADMIN = mint_local_token(TEST_SIGNING_KEY, subject="ops-1", roles=[SOURCING_ADMIN])
OTHER = mint_local_token(TEST_SIGNING_KEY, subject="ops-2", roles=[INVENTORY_ADMIN])
ORDER_DATE = "2026-03-03T10:00:00-05:00"
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


class Notes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def note(self, message: str) -> None:
        self.lines.append(message)


def add_node(
    reg: Registry,
    node_id: str,
    node_type: NodeType,
    lat: float,
    lon: float,
    zone: str,
    stock: dict[str, int],
    enterprise: str = ENTERPRISE,
) -> None:
    inventory = reg.inventory()
    spec = ShipNodeSpec(
        name=node_id,
        enterprise_code=enterprise,
        node_type=node_type,
        time_zone=zone,
        location=Location(latitude=lat, longitude=lon, postal_code="00000", state="XX"),
        cutoff_time=time(14, 0),
        capabilities=("SHIP", "PICKUP"),  # type: ignore[arg-type]
    )
    inventory.nodes.put_node(node_id, spec, "test")
    for item, quantity in stock.items():
        inventory.supply.set_supply(item, node_id, SupplySpec(quantity=quantity), "test")


@pytest.fixture
def demo(registry: Registry) -> Registry:
    registry.override(clock=ManualClock(NOW))
    notes = Notes()
    seed_sourcing(registry, notes)
    seed_sourcing(registry, notes)
    add_node(
        registry,
        "DC_NJ",
        NodeType.DC,
        40.52,
        -74.41,
        "America/New_York",
        {"LIPSTICK": 3, "NAIL_POLISH": 9},
    )
    add_node(
        registry,
        "DC_TX",
        NodeType.DC,
        32.79,
        -96.80,
        "America/Chicago",
        {"LIPSTICK": 9, "SERUM": 9},
    )
    add_node(
        registry,
        "STORE_NYC",
        NodeType.STORE,
        40.7484,
        -73.9967,
        "America/New_York",
        {"LIPSTICK": 2},
    )
    return registry


def options(body: dict[str, Any]) -> Response:
    return call("calculate_sourcing_options", "POST", "sourcing/options", body=body)


def cart(*lines: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "enterpriseCode": ENTERPRISE,
        "orderDate": ORDER_DATE,
        "destination": {"postalCode": "10001", "country": "US", "type": "RESIDENTIAL"},
        "fulfillmentType": "SHIP",
        "lines": list(lines),
        **changes,
    }


def test_seeding_twice_leaves_three_services_and_two_rules(demo: Registry) -> None:
    repo = demo.sourcing().repo
    assert [s.id for s in repo.list_carrier_services(ENTERPRISE)] == [
        "ups-2nd-day-air",
        "ups-ground",
        "ups-next-day-air",
    ]
    assert [r.id for r in repo.list_rules(ENTERPRISE)] == ["home-delivery", "store-pickup"]


def test_options_for_a_cart(demo: Registry) -> None:
    resp = options(
        cart(
            {"lineId": "1", "itemId": "LIPSTICK", "quantity": 2},
            {"lineId": "2", "itemId": "SERUM", "quantity": 1},
        )
    )
    assert resp.status == 200
    assert [
        (
            o["levelOfService"],
            o["carrierServiceCode"],
            o["deliveryDate"],
            o["deliveryDateType"],
            o["charge"],
            o["freeShipping"],
        )
        for o in resp.json["options"]
    ] == [
        (
            "NEXT_DAY",
            "UPS_NEXT_DAY_AIR",
            "2026-03-04",
            "GUARANTEED",
            {"amount": "57.60", "currency": "USD"},
            False,
        ),
        (
            "TWO_DAY",
            "UPS_2ND_DAY_AIR",
            "2026-03-05",
            "GUARANTEED",
            {"amount": "33.90", "currency": "USD"},
            False,
        ),
        (
            "STANDARD",
            "UPS_GROUND",
            "2026-03-09",
            "ESTIMATED",
            {"amount": "13.70", "currency": "USD"},
            False,
        ),
    ]
    assert resp.json["options"][0]["shipments"] == [
        {
            "shipNode": "DC_TX",
            "lineIds": ["1", "2"],
            "quantities": {"1": 2, "2": 1},
            "shipDate": "2026-03-03",
            "pickupAt": "2026-03-03T16:30:00-06:00",
            "deliveryDate": "2026-03-04",
            "distanceMiles": 1370.5,
            "weightGrams": 750,
            "charge": {"amount": "57.60", "currency": "USD"},
        }
    ]
    assert resp.json["unavailableLines"] == []
    assert resp.json["explanation"]["ruleId"] == "home-delivery"
    assert resp.json["explanation"]["method"] == "EXACT"


def test_each_answer_is_published_without_personal_data(demo: Registry) -> None:
    bus = demo.events()
    assert isinstance(bus, LocalBus)
    hub = demo.settings.hub_sourcing_updates
    start = bus.end_offset(hub)
    resp = options(cart({"lineId": "1", "itemId": "NAIL_POLISH", "quantity": 1, "hazmat": True}))
    assert resp.status == 200
    [record] = bus.read(hub, start)
    event = record.body
    assert (event["eventType"], event["subject"], record.partition_key) == (
        "SourcingOptionsCalculated",
        ENTERPRISE,
        ENTERPRISE,
    )
    # The clock's reading: the time, and the version in microseconds since the epoch.
    assert (event["timestamp"], event["version"]) == ("2026-03-03T15:00:00Z", 1772550000000000)
    assert event["payload"] == {
        "enterpriseCode": ENTERPRISE,
        "sellerCode": None,
        "fulfillmentType": "SHIP",
        "destinationPrefix": "100",
        "destinationCountry": "US",
        "itemIds": ["NAIL_POLISH"],
        "lineCount": 1,
        "unavailableLineCount": 0,
        "ruleId": "home-delivery",
        "method": "EXACT",
        "options": [
            {
                "levelOfService": "STANDARD",
                "carrierServiceCode": "UPS_GROUND",
                "deliveryDate": "2026-03-04",
                "shipments": 1,
            }
        ],
    }
    assert "10001" not in json.dumps(event)


def test_store_pickup(demo: Registry) -> None:
    resp = options(
        cart(
            {"lineId": "1", "itemId": "LIPSTICK", "quantity": 1},
            fulfillmentType="PICKUP",
            destination={"postalCode": "10001", "country": "US", "type": "STORE"},
        )
    )
    assert resp.status == 200
    assert [
        (o["levelOfService"], o["deliveryDate"], [s["shipNode"] for s in o["shipments"]])
        for o in resp.json["options"]
    ] == [("STORE_PICKUP", "2026-03-03", ["STORE_NYC"])]
    assert resp.json["explanation"]["ruleId"] == "store-pickup"
    # the order at 10:00 in New York; the store has no business hours set: around the clock
    assert resp.json["pickupStores"] == [
        {
            "shipNode": "STORE_NYC",
            "distanceMiles": resp.json["options"][0]["shipments"][0]["distanceMiles"],
            "readyBy": "2026-03-03T10:00:00-05:00",
            "holdUntil": "2026-03-08",
        }
    ]


LINE = {"lineId": "1", "itemId": "LIPSTICK", "quantity": 1}
BAD = [
    ("empty-cart", cart(), 400, "VALIDATION_FAILED", "lines"),
    ("zero-quantity", cart({**LINE, "quantity": 0}), 400, "VALIDATION_FAILED", "lines.0.quantity"),
    (
        "negative-quantity",
        cart({**LINE, "quantity": -2}),
        400,
        "VALIDATION_FAILED",
        "lines.0.quantity",
    ),
    ("duplicate-line", cart(LINE, LINE), 400, "VALIDATION_FAILED", "lines"),
    (
        "bad-date",
        cart(LINE, orderDate="2026-02-30T10:00:00Z"),
        400,
        "VALIDATION_FAILED",
        "orderDate",
    ),
    (
        "date-without-zone",
        cart(LINE, orderDate="2026-03-03T10:00:00"),
        400,
        "VALIDATION_FAILED",
        "orderDate",
    ),
    (
        "malformed-zip",
        cart(LINE, destination={"postalCode": "1000A", "country": "US"}),
        400,
        "VALIDATION_FAILED",
        "destination.postalCode",
    ),
    ("unknown-field", cart(LINE, coupon="X"), 400, "VALIDATION_FAILED", "coupon"),
    (
        "unknown-zip",
        cart(LINE, destination={"postalCode": "00000", "country": "US"}),
        422,
        "UNKNOWN_POSTAL_CODE",
        "destination.postalCode",
    ),
    (
        "foreign-country",
        cart(LINE, destination={"postalCode": "10001", "country": "CA"}),
        422,
        "UNSUPPORTED_COUNTRY",
        "destination.country",
    ),
    (
        "unknown-enterprise",
        cart(LINE, enterpriseCode="NOPE"),
        422,
        "UNKNOWN_ENTERPRISE",
        "enterpriseCode",
    ),
    (
        "date-out-of-range",
        cart(LINE, orderDate="2031-01-01T00:00:00Z"),
        422,
        "ORDER_DATE_OUT_OF_RANGE",
        "orderDate",
    ),
]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"), [pytest.param(*row[1:], id=row[0]) for row in BAD]
)
def test_bad_input_is_precise(
    demo: Registry, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    resp = options(body)
    assert (resp.status, resp.code) == (status, code)
    details = resp.json["error"]["details"]
    fields = [d["field"] for d in details] if isinstance(details, list) else [details["field"]]
    assert field in fields


def test_no_rule_for_the_destination_type(demo: Registry) -> None:
    resp = options(
        cart(LINE, destination={"postalCode": "10001", "country": "US", "type": "BUSINESS"})
    )
    assert (resp.status, resp.code) == (422, "NO_SOURCING_RULE")
    assert resp.json["error"]["message"] == (
        "no sourcing rule for enterprise 'BEAUTY_US', SHIP to BUSINESS"
    )
