"""The whole calculation on the demo carrier services and a small network.

The order is placed on Tuesday 3 March 2026 at 10:00 in New York, to ZIP 10001.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest

from shared.sourcing.calendars import NodeSchedule
from shared.sourcing.demo import demo_carrier_services, demo_rules
from shared.sourcing.geo import locate
from shared.sourcing.model import NodeSupply, SourcingAnswer, SourcingRequest, SourcingRule
from shared.sourcing.planner import plan_options

ENTERPRISE = "BEAUTY_US"
ORDER_AT = datetime.fromisoformat("2026-03-03T10:00-05:00")
EAST = NodeSchedule(time_zone="America/New_York", cutoff=time(14, 0))
CENTRAL = NodeSchedule(time_zone="America/Chicago", cutoff=time(14, 0))


def supply(node_id: str, lat: float, lon: float, **changes: Any) -> NodeSupply:
    values: dict[str, Any] = {
        "node_id": node_id,
        "node_type": "DC",
        "latitude": lat,
        "longitude": lon,
        "schedule": EAST,
    }
    values.update(changes)
    return NodeSupply(**values)


def network(**stock: dict[str, float]) -> list[NodeSupply]:
    return [
        supply("DC_NJ", 40.52, -74.41, available=stock.get("DC_NJ", {})),
        supply("DC_TX", 32.79, -96.80, schedule=CENTRAL, available=stock.get("DC_TX", {})),
        supply(
            "STORE_NYC", 40.7484, -73.9967, node_type="STORE", available=stock.get("STORE_NYC", {})
        ),
    ]


def request(lines: list[dict[str, Any]], **changes: Any) -> SourcingRequest:
    values: dict[str, Any] = {
        "enterpriseCode": ENTERPRISE,
        "orderDate": ORDER_AT.isoformat(),
        "destination": {"postalCode": "10001", "country": "US"},
        "fulfillmentType": "SHIP",
        "lines": lines,
    }
    values.update(changes)
    return SourcingRequest.model_validate(values)


def rule(fulfillment: str) -> SourcingRule:
    return next(r for r in demo_rules(ENTERPRISE) if r.fulfillment_type == fulfillment)


def calculate(
    req: SourcingRequest, nodes: list[NodeSupply], the_rule: SourcingRule | None = None
) -> SourcingAnswer:
    return plan_options(
        req,
        the_rule or rule(req.fulfillment_type),
        services=demo_carrier_services(ENTERPRISE),
        nodes=nodes,
        where=locate(req.destination.postal_code, "US"),
        order_at=ORDER_AT,
    )


def summary(answer: SourcingAnswer) -> list[tuple[str, str, list[tuple[str, tuple[str, ...]]]]]:
    return [
        (
            o.level_of_service,
            o.delivery_date.isoformat(),
            [(s.ship_node, s.line_ids) for s in o.shipments],
        )
        for o in answer.options
    ]


LINE_A = {"lineId": "1", "itemId": "A", "quantity": 1}
LINE_B = {"lineId": "2", "itemId": "B", "quantity": 2}

CASES = [
    (
        "nearest-node-for-every-level",
        [LINE_A],
        {"DC_NJ": {"A": 5}, "STORE_NYC": {"A": 5}},
        # air arrives no sooner than ground from the store next door, for more: dominated
        [("STANDARD", "2026-03-04", [("STORE_NYC", ("1",))])],
    ),
    (
        "no-split-one-far-node-beats-two-near",
        [LINE_A, LINE_B],
        {"DC_TX": {"A": 5, "B": 5}, "STORE_NYC": {"A": 5}, "DC_NJ": {"B": 5}},
        [
            ("NEXT_DAY", "2026-03-04", [("DC_TX", ("1", "2"))]),
            ("TWO_DAY", "2026-03-05", [("DC_TX", ("1", "2"))]),
            ("STANDARD", "2026-03-09", [("DC_TX", ("1", "2"))]),
        ],
    ),
    (
        "split-when-no-node-has-enough",
        [{"lineId": "1", "itemId": "A", "quantity": 10}],
        {"DC_NJ": {"A": 6}, "DC_TX": {"A": 6}, "STORE_NYC": {"A": 1}},
        [
            ("NEXT_DAY", "2026-03-04", [("DC_NJ", ("1",)), ("DC_TX", ("1",))]),
            ("TWO_DAY", "2026-03-05", [("DC_NJ", ("1",)), ("DC_TX", ("1",))]),
            ("STANDARD", "2026-03-09", [("DC_NJ", ("1",)), ("DC_TX", ("1",))]),
        ],
    ),
    (
        "hazmat-goes-ground-only",
        [{**LINE_A, "hazmat": True}],
        {"DC_NJ": {"A": 5}},
        [("STANDARD", "2026-03-04", [("DC_NJ", ("1",))])],
    ),
]


@pytest.mark.parametrize(
    ("lines", "stock", "expected"), [pytest.param(*row[1:], id=row[0]) for row in CASES]
)
def test_options(
    lines: list[dict[str, Any]], stock: dict[str, dict[str, float]], expected: list[Any]
) -> None:
    answer = calculate(request(lines), network(**stock))
    assert summary(answer) == expected
    assert answer.unavailable_lines == ()
    assert answer.explanation.method == "EXACT"


def test_split_quantities() -> None:
    answer = calculate(
        request([{"lineId": "1", "itemId": "A", "quantity": 10}]),
        network(DC_NJ={"A": 6}, DC_TX={"A": 6}),
    )
    assert [dict(s.quantities) for s in answer.options[0].shipments] == [{"1": 6}, {"1": 4}]


def test_hazmat_levels_explain_why() -> None:
    answer = calculate(request([{**LINE_A, "hazmat": True}]), network(DC_NJ={"A": 5}))
    assert [
        (o.level_of_service, o.offered, o.reason) for o in answer.explanation.levels_of_service
    ] == [
        ("STANDARD", True, "1 shipment(s), delivery 2026-03-04, charge 10.20"),
        ("TWO_DAY", False, "hazmat line(s) 1; UPS_2ND_DAY_AIR carries no hazmat"),
        ("NEXT_DAY", False, "hazmat line(s) 1; UPS_NEXT_DAY_AIR carries no hazmat"),
    ]


@pytest.mark.parametrize(
    ("hazmat", "catalog", "why"),
    [
        (False, {"A": "hazmat in the catalog"}, "1 (hazmat in the catalog)"),
        (True, {"A": "hazmat in the catalog"}, "1"),
        (
            False,
            {"A": "catalog unavailable, treated as hazmat"},
            "1 (catalog unavailable, treated as hazmat)",
        ),
    ],
    ids=["catalog-only", "client-and-catalog", "catalog-unavailable"],
)
def test_a_line_the_catalog_marks_hazmat_is_hazmat_without_the_client_flag(
    hazmat: bool, catalog: dict[str, str], why: str
) -> None:
    nodes = [
        *network(DC_NJ={"A": 5}),
        supply("NO_HAZ", 40.0, -74.0, hazmat_allowed=False, available={"A": 9}),
    ]
    answer = plan_options(
        request([{**LINE_A, "hazmat": hazmat}]),
        rule("SHIP"),
        services=demo_carrier_services(ENTERPRISE),
        nodes=nodes,
        where=locate("10001", "US"),
        order_at=ORDER_AT,
        catalog_hazmat=catalog,
    )
    assert summary(answer) == [("STANDARD", "2026-03-04", [("DC_NJ", ("1",))])]
    assert [
        (o.level_of_service, o.offered, o.reason) for o in answer.explanation.levels_of_service
    ] == [
        ("STANDARD", True, "1 shipment(s), delivery 2026-03-04, charge 10.20"),
        ("TWO_DAY", False, f"hazmat line(s) {why}; UPS_2ND_DAY_AIR carries no hazmat"),
        ("NEXT_DAY", False, f"hazmat line(s) {why}; UPS_NEXT_DAY_AIR carries no hazmat"),
    ]
    assert ("NO_HAZ", "HAZMAT") in [
        (r.ship_node, r.reason) for r in answer.explanation.rejected_nodes
    ]


def test_every_rejected_node_has_its_reason() -> None:
    nodes = [
        supply("OFF", 40.0, -74.0, active=False, available={"A": 9}),
        supply("VENDOR", 40.0, -74.0, node_type="VENDOR", available={"A": 9}),
        supply("FULL", 40.0, -74.0, daily_capacity=0, available={"A": 9}),
        supply("NO_HAZ", 40.0, -74.0, hazmat_allowed=False, available={"H": 9}),
        supply("EMPTY", 40.0, -74.0, available={"Z": 9}),
        supply("BAD_TZ", 40.0, -74.0, defect="unknown time zone 'X'", available={"A": 9}),
        supply("OK", 40.0, -74.0, available={"A": 9, "H": 9}),
    ]
    answer = calculate(
        request([LINE_A, {"lineId": "2", "itemId": "H", "quantity": 1, "hazmat": True}]), nodes
    )
    assert [(r.ship_node, r.reason, r.detail) for r in answer.explanation.rejected_nodes] == [
        ("BAD_TZ", "UNREADABLE", "unknown time zone 'X'"),
        ("EMPTY", "NOT_ENOUGH_STOCK", "the node has none of the cart's items"),
        ("FULL", "PAST_CAPACITY", "at capacity for STANDARD on each of its next 15 days"),
        ("NO_HAZ", "HAZMAT", "the node holds only hazmat lines and may not ship them"),
        ("OFF", "INACTIVE", "the node is inactive"),
        ("VENDOR", "NOT_ALLOWED_BY_RULE", "node type VENDOR is not in the rule"),
    ]
    assert answer.explanation.rule_id == "home-delivery"
    assert answer.explanation.rule == (
        "SHIP to RESIDENTIAL for seller any: node types DC, STORE in priority order, "
        "at most 3 shipments"
    )


@pytest.mark.parametrize(
    ("groups", "chosen"),
    [
        (("PRIMARY", "OVERFLOW"), "B_PRIMARY"),
        (("OVERFLOW", "PRIMARY"), "A_OVERFLOW"),
    ],
    ids=["primary-first", "overflow-first"],
)
def test_node_groups_are_in_priority_order(groups: tuple[str, ...], chosen: str) -> None:
    """Same date, same distance, same type: the rule's first group wins the tie."""
    grouped = rule("SHIP").model_copy(
        update={"criteria": rule("SHIP").criteria.model_copy(update={"node_groups": groups})}
    )
    nodes = [
        supply("A_OVERFLOW", 40.52, -74.41, node_groups=("OVERFLOW",), available={"A": 5}),
        supply("B_PRIMARY", 40.52, -74.41, node_groups=("PRIMARY",), available={"A": 5}),
    ]
    answer = calculate(request([LINE_A], levelsOfService=["STANDARD"]), nodes, grouped)
    assert [s.ship_node for o in answer.options for s in o.shipments] == [chosen]


def test_store_pickup_is_the_ready_date_at_a_near_store() -> None:
    nodes = [
        *network(DC_NJ={"A": 5}, STORE_NYC={"A": 5}),
        supply("STORE_LA", 34.05, -118.24, node_type="STORE", available={"A": 5}),
    ]
    answer = calculate(
        request(
            [LINE_A],
            fulfillmentType="PICKUP",
            destination={"postalCode": "10001", "country": "US", "type": "STORE"},
        ),
        nodes,
    )
    assert summary(answer) == [("STORE_PICKUP", "2026-03-03", [("STORE_NYC", ("1",))])]
    option = answer.options[0]
    assert (option.carrier_service_code, option.shipments[0].pickup_at) == (None, None)
    assert [(r.ship_node, r.reason) for r in answer.explanation.rejected_nodes] == [
        ("DC_NJ", "NOT_ALLOWED_BY_RULE"),
        ("DC_TX", "NOT_ALLOWED_BY_RULE"),
        ("STORE_LA", "NOT_ALLOWED_BY_RULE"),
    ]


def test_store_pickup_at_a_chosen_store_only() -> None:
    nodes = [
        *network(STORE_NYC={"A": 5}),
        supply("STORE_BK", 40.69, -73.99, node_type="STORE", available={"A": 5}),
    ]
    answer = calculate(
        request(
            [LINE_A],
            fulfillmentType="PICKUP",
            destination={"postalCode": "10001", "country": "US", "storeId": "STORE_BK"},
        ),
        nodes,
    )
    assert summary(answer) == [("STORE_PICKUP", "2026-03-03", [("STORE_BK", ("1",))])]


def test_shipment_limit_of_the_rule() -> None:
    strict = rule("SHIP").model_copy(
        update={"criteria": rule("SHIP").criteria.model_copy(update={"max_shipments": 1})}
    )
    answer = calculate(
        request([{"lineId": "1", "itemId": "A", "quantity": 10}]),
        network(DC_NJ={"A": 6}, DC_TX={"A": 6}),
        strict,
    )
    assert answer.options == ()
    assert {o.reason for o in answer.explanation.levels_of_service} == {
        "needs 2 shipments; the rule allows at most 1"
    }


def test_unavailable_lines_are_named_and_the_rest_served() -> None:
    answer = calculate(request([LINE_A, LINE_B]), network(DC_NJ={"A": 5, "B": 1}))
    assert answer.unavailable_lines == ("2",)
    assert summary(answer)[0] == ("STANDARD", "2026-03-04", [("DC_NJ", ("1",))])
