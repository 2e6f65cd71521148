"""What sourcing reads from inventory's ship nodes, through the triggers on embedded
adapters: a stored node it cannot read, node groups and hazmat capability."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.inventory.model import Location, NodeType, ShipNodeSpec, SupplySpec
from shared.inventory.stored import NODE_PARTITION
from shared.ports import ContainerSpec
from shared.sourcing.model import RuleCriteria, SourcingRule
from tests.functions.inventory_client import ADMIN as INVENTORY_ADMIN
from tests.functions.test_sourcing_http import ENTERPRISE, cart, demo, options
from tests.http_client import call

__all__ = ["demo"]

LIPSTICK = {"lineId": "1", "itemId": "LIPSTICK", "quantity": 1}


def spec(name: str, **changes: Any) -> ShipNodeSpec:
    values: dict[str, Any] = {
        "name": name,
        "enterprise_code": ENTERPRISE,
        "node_type": NodeType.DC,
        "time_zone": "America/New_York",
        "location": Location(latitude=40.73, longitude=-74.17, postal_code="07102", state="NJ"),
        "cutoff_time": time(14, 0),
    }
    values.update(changes)
    return ShipNodeSpec.model_validate(values)


def stored_as_is(reg: Registry, node_id: str, **raw: Any) -> None:
    """A node document written past the API's checks (before they existed, or by an
    integration writing the container directly)."""
    doc = spec(node_id).model_dump(mode="json", by_alias=True)
    container = reg.documents().container(ContainerSpec("ship_nodes", NODE_PARTITION))
    container.create(doc | raw | {"id": node_id, "shipNode": node_id, "version": 1})
    reg.cache().delete(f"inventory:nodes:{ENTERPRISE}")


def rejected(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["shipNode"], r["reason"], r["detail"]) for r in body["explanation"]["rejectedNodes"]]


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ({"timeZone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        (
            {"processingCalendar": {"workingDays": [0, 1, 2]}},
            "working day 0 is not an ISO weekday (1 = Monday ... 7 = Sunday)",
        ),
        (
            {"processingCalendar": {"workingDays": [1], "holidays": ["Christmas"]}},
            "holiday 'Christmas' is not a date (YYYY-MM-DD)",
        ),
    ],
    ids=["unknown-zone", "weekday-0", "holiday-name"],
)
def test_a_stored_node_sourcing_cannot_read_is_set_aside_and_named(
    demo: Registry, raw: dict[str, Any], detail: str, caplog: pytest.LogCaptureFixture
) -> None:
    """One such node made every cart a 500; now only that node is left out."""
    stored_as_is(demo, "DC_BAD", **raw)
    demo.inventory().supply.set_supply("LIPSTICK", "DC_BAD", SupplySpec(quantity=50), "test")
    resp = options(cart(LIPSTICK, levelsOfService=["STANDARD"]))
    assert resp.status == 200
    assert [
        (o["levelOfService"], [s["shipNode"] for s in o["shipments"]]) for o in resp.json["options"]
    ] == [("STANDARD", ["STORE_NYC"])]
    assert ("DC_BAD", "UNREADABLE", detail) in rejected(resp.json)
    assert f"ship node DC_BAD set aside by sourcing: {detail}" in caplog.messages
    availability = call(
        "get_availability", "GET", "availability/LIPSTICK", route={"itemId": "LIPSTICK"}
    )
    assert (availability.status, availability.json["network"]["available"]) == (200, 50)


def test_a_rule_naming_node_groups_serves_from_those_groups_only(demo: Registry) -> None:
    inventory = demo.inventory()
    inventory.nodes.put_node("DC_NWK", spec("DC_NWK", node_groups=("NORTHEAST",)), "test")
    inventory.supply.set_supply("LIPSTICK", "DC_NWK", SupplySpec(quantity=5), "test")
    demo.sourcing().put_sourcing_rule(
        "northeast",
        SourcingRule(
            id="northeast",
            enterprise_code=ENTERPRISE,
            seller_code="NE_SELLER",
            fulfillment_type="SHIP",
            criteria=RuleCriteria(node_groups=("NORTHEAST",)),
        ),
    )
    resp = options(cart(LIPSTICK, sellerCode="NE_SELLER", levelsOfService=["STANDARD"]))
    assert resp.status == 200
    assert [s["shipNode"] for o in resp.json["options"] for s in o["shipments"]] == ["DC_NWK"]
    assert rejected(resp.json) == [
        (node, "NOT_ALLOWED_BY_RULE", "the node is in none of the rule's node groups")
        for node in ("DC_NJ", "DC_TX", "STORE_NYC")
    ]


def test_a_node_that_may_not_ship_hazmat_is_rejected_for_hazmat_lines(demo: Registry) -> None:
    inventory = demo.inventory()
    inventory.nodes.put_node("DC_NOHAZ", spec("DC_NOHAZ", hazmat_capable=False), "test")
    inventory.supply.set_supply("PERFUME", "DC_NOHAZ", SupplySpec(quantity=5), "test")
    inventory.supply.set_supply("PERFUME", "DC_TX", SupplySpec(quantity=5), "test")
    line = {"lineId": "1", "itemId": "PERFUME", "quantity": 1, "hazmat": True}
    resp = options(cart(line, levelsOfService=["STANDARD"]))
    assert resp.status == 200
    assert [s["shipNode"] for o in resp.json["options"] for s in o["shipments"]] == ["DC_TX"]
    assert ("DC_NOHAZ", "HAZMAT", "the node holds only hazmat lines and may not ship them") in (
        rejected(resp.json)
    )


def test_ship_nodes_keep_their_groups_and_hazmat_capability(demo: Registry) -> None:
    body = spec("DC_NWK").model_dump(mode="json", by_alias=True) | {
        "nodeGroups": ["NORTHEAST", "FLAGSHIP"],
        "hazmatCapable": False,
    }
    put = call(
        "put_ship_node",
        "PUT",
        "ship-nodes/DC_NWK",
        body=body,
        route={"shipNode": "DC_NWK"},
        token=INVENTORY_ADMIN,
    )
    assert put.status == 201
    read = call("get_ship_node", "GET", "ship-nodes/DC_NWK", route={"shipNode": "DC_NWK"})
    assert (read.json["nodeGroups"], read.json["hazmatCapable"]) == (
        ["NORTHEAST", "FLAGSHIP"],
        False,
    )
    bad = call(
        "put_ship_node",
        "PUT",
        "ship-nodes/DC_NWK",
        body=body | {"nodeGroups": ["north east"]},
        route={"shipNode": "DC_NWK"},
        token=INVENTORY_ADMIN,
    )
    assert (bad.status, bad.code) == (400, "VALIDATION_FAILED")


@pytest.mark.parametrize(
    ("processing_days", "ready"),
    [(0, "2026-03-03"), (2, "2026-03-05")],
    ids=["same-day", "two-days"],
)
def test_a_stores_processing_days_delay_its_pickup(
    demo: Registry, processing_days: int, ready: str
) -> None:
    """Ordered Tuesday 10:00 in New York, before the 14:00 cutoff."""
    store = spec(
        "STORE_NYC",
        node_type=NodeType.STORE,
        location=Location(latitude=40.7484, longitude=-73.9967, postal_code="10001", state="NY"),
        capabilities=("SHIP", "PICKUP"),
    ).model_dump(mode="json", by_alias=True) | {"processingDays": processing_days}
    put = call(
        "put_ship_node",
        "PUT",
        "ship-nodes/STORE_NYC",
        body=store,
        route={"shipNode": "STORE_NYC"},
        token=INVENTORY_ADMIN,
    )
    assert put.status == 200
    resp = options(
        cart(
            LIPSTICK,
            fulfillmentType="PICKUP",
            destination={"postalCode": "10001", "country": "US", "type": "STORE"},
        )
    )
    assert [(o["levelOfService"], o["deliveryDate"]) for o in resp.json["options"]] == [
        ("STORE_PICKUP", ready)
    ]


def test_a_node_document_that_cannot_be_read_at_all_is_left_out_with_a_warning(
    demo: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    """No type, location or cutoff to go by: it offers nothing anywhere, and every
    other node still answers."""
    stored_as_is(demo, "DC_BROKEN", cutoffTime="25:99", nodeType="WAREHOUSE")
    resp = options(cart(LIPSTICK, levelsOfService=["STANDARD"]))
    assert resp.status == 200
    assert "DC_BROKEN" not in [r[0] for r in rejected(resp.json)]
    listed = call("list_ship_nodes", "GET", "ship-nodes", params={"enterpriseCode": ENTERPRISE})
    assert (listed.status, [n["shipNode"] for n in listed.json["shipNodes"]]) == (
        200,
        ["DC_NJ", "DC_TX", "STORE_NYC"],
    )
    assert any(
        m.startswith("ship node document DC_BROKEN cannot be read, left out:")
        for m in caplog.messages
    )
