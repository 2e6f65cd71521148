"""The conversions of the composition root's bridges, value by value (no store)."""

from __future__ import annotations

from datetime import date, time

import pytest

from shared.bootstrap.bridges import (
    UNLIMITED,
    delivery_promises,
    delivery_request,
    node_supply,
    stock_by_node,
    stock_level,
)
from shared.catalog.lookups import DeliveryPromise, DeliveryQuery, StockLevel
from shared.errors import BadRequest
from shared.inventory.model import (
    AvailabilityView,
    Capability,
    ItemAvailability,
    Location,
    NetworkAvailability,
    NetworkView,
    NodeAvailability,
    NodeStatus,
    NodeType,
    ProcessingCalendar,
    ShipNode,
    StockStatus,
)
from shared.sourcing.calendars import NodeSchedule, WorkCalendar
from shared.sourcing.model import (
    CartLine,
    Destination,
    Explanation,
    NodeSupply,
    SourcingAnswer,
    SourcingOption,
    SourcingRequest,
)


def at(node: str, available: int, *, infinite: bool = False) -> NodeAvailability:
    return NodeAvailability(
        ship_node=node,
        available=available,
        infinite=infinite,
        status=StockStatus.IN_STOCK,
        quantity=available,
        reserved=0,
        safety_stock=0,
        threshold=0,
        version=1,
    )


def item(item_id: str, *nodes: NodeAvailability) -> ItemAvailability:
    return ItemAvailability(
        item_id=item_id,
        enterprise_code="BEAUTY_US",
        network=NetworkAvailability(available=0, status=StockStatus.IN_STOCK),
        nodes=nodes,
        version=1,
    )


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ({}, {}),
        ({"LIP": item("LIP")}, {}),
        (
            {"LIP": item("LIP", at("DC_NJ", 3), at("DC_TX", 0))},
            {"DC_NJ": {"LIP": 3}, "DC_TX": {"LIP": 0}},
        ),
        (
            {
                "LIP": item("LIP", at("DC_NJ", 3)),
                "SERUM": item("SERUM", at("DC_NJ", 5), at("STORE_1", 2, infinite=True)),
            },
            {"DC_NJ": {"LIP": 3, "SERUM": 5}, "STORE_1": {"SERUM": UNLIMITED}},
        ),
    ],
    ids=["nothing", "item-at-no-node", "one-item-two-nodes", "two-items-infinite"],
)
def test_stock_by_node(
    found: dict[str, ItemAvailability], expected: dict[str, dict[str, float]]
) -> None:
    assert stock_by_node(found) == expected


def ship_node(**changes: object) -> ShipNode:
    values: dict[str, object] = {
        "ship_node": "STORE_NYC",
        "name": "Herald Square",
        "enterprise_code": "BEAUTY_US",
        "node_type": NodeType.STORE,
        "time_zone": "America/New_York",
        "location": Location(latitude=40.7484, longitude=-73.9967, postal_code="10001", state="NY"),
        "cutoff_time": time(14, 30),
        "processing_calendar": ProcessingCalendar(
            working_days=(6, 1, 2), holidays=("2026-12-24", "2026-12-31")
        ),
        "capabilities": (Capability.SHIP, Capability.PICKUP),
    }
    values.update(changes)
    return ShipNode.model_validate(values)


@pytest.mark.parametrize(
    ("node", "available", "expected"),
    [
        (
            ship_node(),
            {"LIP": 2.0},
            NodeSupply(
                node_id="STORE_NYC",
                node_type="STORE",
                active=True,
                latitude=40.7484,
                longitude=-73.9967,
                postal_code="10001",
                schedule=NodeSchedule(
                    time_zone="America/New_York",
                    cutoff=time(14, 30),
                    processing_calendar=WorkCalendar(
                        weekdays=("MON", "TUE", "SAT"),
                        closed_dates=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
                    ),
                ),
                capabilities=("SHIP", "PICKUP"),
                available={"LIP": 2.0},
            ),
        ),
        (
            ship_node(
                ship_node="DC_TX",
                node_type=NodeType.DC,
                status=NodeStatus.INACTIVE,
                time_zone="America/Chicago",
                cutoff_time=time(15, 0),
                processing_calendar=ProcessingCalendar(),
                capabilities=(Capability.SHIP,),
            ),
            {},
            NodeSupply(
                node_id="DC_TX",
                node_type="DC",
                active=False,
                latitude=40.7484,
                longitude=-73.9967,
                postal_code="10001",
                schedule=NodeSchedule(
                    time_zone="America/Chicago",
                    cutoff=time(15, 0),
                    processing_calendar=WorkCalendar(weekdays=("MON", "TUE", "WED", "THU", "FRI")),
                ),
                capabilities=("SHIP",),
                available={},
            ),
        ),
    ],
    ids=["store-saturday-and-closed-dates", "inactive-dc-default-calendar"],
)
def test_node_supply(node: ShipNode, available: dict[str, float], expected: NodeSupply) -> None:
    assert node_supply(node, available) == expected


def test_node_supply_passes_groups_hazmat_capability_and_processing_days() -> None:
    node = ship_node(node_groups=("EAST", "FLAGSHIP"), hazmat_capable=False, processing_days=2)
    supply = node_supply(node, {})
    assert (
        supply.node_groups,
        supply.hazmat_allowed,
        supply.schedule.processing_days,
        supply.defect,
    ) == (("EAST", "FLAGSHIP"), False, 2, None)


@pytest.mark.parametrize(
    ("changes", "defect"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        (
            {"processing_calendar": {"working_days": (0, 1)}},
            "working day 0 is not an ISO weekday (1 = Monday ... 7 = Sunday)",
        ),
        (
            {"processing_calendar": {"working_days": (1, 8)}},
            "working day 8 is not an ISO weekday (1 = Monday ... 7 = Sunday)",
        ),
        ({"processing_calendar": {"working_days": ()}}, "the node has no working day"),
        ({"processing_days": -1}, "processing days -1 is not 0 to 30"),
        (
            {"processing_calendar": {"holidays": ("Christmas",)}},
            "holiday 'Christmas' is not a date (YYYY-MM-DD)",
        ),
        (
            {"processing_calendar": {"holidays": ("2026-12-32",)}},
            "holiday '2026-12-32' is not a date (YYYY-MM-DD)",
        ),
    ],
    ids=[
        "unknown-zone",
        "weekday-0",
        "weekday-8",
        "no-working-day",
        "negative-processing-days",
        "holiday-name",
        "bad-day",
    ],
)
def test_a_node_sourcing_cannot_read_is_a_candidate_with_its_defect(
    changes: dict[str, object], defect: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Stored before the write checks or by another system: read, never raised on, so
    one node cannot fail every cart; the planner sets it aside and says why."""
    supply = node_supply(ship_node(**changes), {"LIP": 2.0})
    assert (supply.node_id, supply.defect, supply.schedule, supply.available) == (
        "STORE_NYC",
        defect,
        NodeSchedule(),
        {"LIP": 2.0},
    )
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"ship node STORE_NYC set aside by sourcing: {defect}")
    ]


@pytest.mark.parametrize(
    ("status", "available", "valid_until", "expected"),
    [
        (StockStatus.IN_STOCK, 50, None, StockLevel(status="IN_STOCK", available=50)),
        (StockStatus.LOW_STOCK, 2, None, StockLevel(status="LOW_STOCK", available=2)),
        (StockStatus.OUT_OF_STOCK, 0, None, StockLevel(status="OUT_OF_STOCK", available=0)),
        (
            StockStatus.OUT_OF_STOCK,
            0,
            1_700_000_060.5,
            StockLevel(status="OUT_OF_STOCK", available=0, valid_until=1_700_000_060.5),
        ),
    ],
    ids=["in-stock", "low-stock", "out-of-stock", "held-until-a-hold-expires"],
)
def test_stock_level(
    status: StockStatus, available: int, valid_until: float | None, expected: StockLevel
) -> None:
    view = AvailabilityView(
        item_id="LIP", network=NetworkView(available=available, status=status), nodes=()
    )
    assert stock_level(view, valid_until) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            DeliveryQuery("SKU-1", "60601", 1, False),
            SourcingRequest(
                enterprise_code="BEAUTY_US",
                destination=Destination(postal_code="60601", country="US"),
                lines=(CartLine(line_id="1", item_id="SKU-1", quantity=1),),
            ),
        ),
        (
            DeliveryQuery("SKU-2", "94105-1420", 3, True),
            SourcingRequest(
                enterprise_code="BEAUTY_US",
                destination=Destination(postal_code="94105-1420", country="US"),
                lines=(CartLine(line_id="1", item_id="SKU-2", quantity=3, hazmat=True),),
            ),
        ),
    ],
    ids=["one-unit", "zip4-three-hazmat"],
)
def test_delivery_request(query: DeliveryQuery, expected: SourcingRequest) -> None:
    assert delivery_request("BEAUTY_US", query, "US") == expected


@pytest.mark.parametrize("postal_code", ["1234", "ABCDE", "606011"], ids=str)
def test_delivery_request_rejects_a_malformed_zip(postal_code: str) -> None:
    with pytest.raises(BadRequest) as caught:
        delivery_request("BEAUTY_US", DeliveryQuery("SKU-1", postal_code, 1, False), "US")
    assert (caught.value.code, caught.value.message) == (
        "INVALID_POSTAL_CODE",
        f"postal code {postal_code!r} is not a US ZIP code",
    )


def option(level: str, code: str | None, day: int, kind: str) -> SourcingOption:
    return SourcingOption.model_validate(
        {
            "levelOfService": level,
            "carrierServiceCode": code,
            "deliveryDate": date(2026, 3, day),
            "deliveryDateType": kind,
            "shipments": (),
        }
    )


def answer(*options: SourcingOption) -> SourcingAnswer:
    explanation = Explanation(
        rule_id="r",
        rule="r",
        method="EXACT",
        method_reason="r",
        rejected_nodes=(),
        levels_of_service=(),
    )
    return SourcingAnswer(options=options, unavailable_lines=(), explanation=explanation)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (answer(), ()),
        (
            answer(
                option("NEXT_DAY", "UPS_NDA", 4, "GUARANTEED"),
                option("STANDARD", "UPS_GROUND", 9, "ESTIMATED"),
            ),
            (
                DeliveryPromise("NEXT_DAY", "UPS_NDA", date(2026, 3, 4), "GUARANTEED"),
                DeliveryPromise("STANDARD", "UPS_GROUND", date(2026, 3, 9), "ESTIMATED"),
            ),
        ),
        (
            answer(option("STORE_PICKUP", None, 3, "ESTIMATED")),
            (DeliveryPromise("STORE_PICKUP", "", date(2026, 3, 3), "ESTIMATED"),),
        ),
    ],
    ids=["no-options", "two-levels-in-order", "pickup-without-carrier"],
)
def test_delivery_promises(given: SourcingAnswer, expected: tuple[DeliveryPromise, ...]) -> None:
    assert delivery_promises(given) == expected
