"""Availability, status, cap, boundary and allocation rules (pure)."""

from __future__ import annotations

import pytest

from shared.inventory.model import (
    Allocation,
    AvailabilityFilter,
    Capability,
    Hold,
    Location,
    NodeStatus,
    NodeType,
    ReservationLine,
    ReserveInventory,
    ShipNode,
    Shortage,
    StockStatus,
    SupplyRecord,
)
from shared.inventory.rules import (
    allocate,
    boundary_event,
    capped_view,
    fingerprint,
    hold_key,
    item_availability,
    merge_lines,
    node_availability,
    stock_status,
)

NOW = 1_000_000.0
LOC = Location(latitude=40.75, longitude=-73.99, postal_code="10001", state="NY")


def node(
    ship_node: str,
    node_type: NodeType = NodeType.DC,
    status: NodeStatus = NodeStatus.ACTIVE,
    capabilities: tuple[Capability, ...] = (Capability.SHIP,),
) -> ShipNode:
    return ShipNode(
        ship_node=ship_node,
        name=ship_node,
        enterprise_code="E",
        node_type=node_type,
        time_zone="America/New_York",
        status=status,
        location=LOC,
        capabilities=capabilities,
    )


def rec(ship_node: str, quantity: int, *, item: str = "I", **kw: object) -> SupplyRecord:
    return SupplyRecord(
        item_id=item, ship_node=ship_node, enterprise_code="E", quantity=quantity, **kw
    )


def hold(rid: str, qty: int, exp: float) -> dict[str, Hold]:
    return {hold_key(rid): Hold(reservation_id=rid, quantity=qty, exp=exp)}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (rec("N", 10), 10),
        (rec("N", 10, reserved=3), 7),
        (rec("N", 10, reserved=3, safety_stock=2), 5),
        (rec("N", 3, reserved=3, safety_stock=2), 0),
        (rec("N", 5, reserved=4, holds=hold("r", 4, NOW - 1)), 5),
        (rec("N", 5, reserved=4, holds=hold("r", 4, NOW)), 5),
        (rec("N", 5, reserved=4, holds=hold("r", 4, NOW + 1)), 1),
    ],
    ids=[
        "plain",
        "reserved",
        "safety",
        "never-negative",
        "expired-hold-ignored",
        "hold-expiring-now-ignored",
        "live-hold-counts",
    ],
)
def test_node_available(record: SupplyRecord, expected: int) -> None:
    assert node_availability(record, node("N"), NOW).available == expected


@pytest.mark.parametrize(
    ("available", "threshold", "infinite", "expected"),
    [
        (0, 5, False, StockStatus.OUT_OF_STOCK),
        (1, 5, False, StockStatus.LOW_STOCK),
        (5, 5, False, StockStatus.LOW_STOCK),
        (6, 5, False, StockStatus.IN_STOCK),
        (0, 0, True, StockStatus.IN_STOCK),
        (1, 0, False, StockStatus.IN_STOCK),
    ],
    ids=[
        "zero-out",
        "under-threshold-low",
        "at-threshold-low",
        "above-in",
        "infinite-in",
        "no-threshold",
    ],
)
def test_stock_status(
    available: int, threshold: int, infinite: bool, expected: StockStatus
) -> None:
    assert stock_status(available, threshold, infinite) is expected


def test_inactive_node_contributes_nothing() -> None:
    nodes = {"A": node("A"), "B": node("B", status=NodeStatus.INACTIVE)}
    result = item_availability(
        "I",
        "E",
        [rec("A", 4), rec("B", 100, infinite=True)],
        nodes,
        flt=AvailabilityFilter(),
        now=NOW,
    )
    assert (result.network.available, result.network.infinite) == (4, False)
    assert [(n.ship_node, n.available, n.status) for n in result.nodes] == [
        ("A", 4, StockStatus.IN_STOCK),
        ("B", 0, StockStatus.OUT_OF_STOCK),
    ]


NET_NODES = {
    "DC1": node("DC1"),
    "S1": node("S1", NodeType.STORE, capabilities=(Capability.SHIP, Capability.PICKUP)),
    "S2": node("S2", NodeType.STORE, capabilities=(Capability.PICKUP,)),
}
NET_RECORDS = [rec("DC1", 10, threshold=4), rec("S1", 3, threshold=2), rec("S2", 1, threshold=2)]


@pytest.mark.parametrize(
    ("flt", "nodes", "available", "status"),
    [
        (AvailabilityFilter(), ["DC1", "S1", "S2"], 14, StockStatus.IN_STOCK),
        (AvailabilityFilter(node_type=NodeType.STORE), ["S1", "S2"], 4, StockStatus.LOW_STOCK),
        (AvailabilityFilter(capability=Capability.PICKUP), ["S1", "S2"], 4, StockStatus.LOW_STOCK),
        (
            AvailabilityFilter(ship_node="S2", capability=Capability.PICKUP),
            ["S2"],
            1,
            StockStatus.LOW_STOCK,
        ),
        (AvailabilityFilter(node_type=NodeType.VENDOR), [], 0, StockStatus.OUT_OF_STOCK),
    ],
    ids=["all", "stores", "pickup", "pickup-at-one-store", "no-match"],
)
def test_network_filters(
    flt: AvailabilityFilter, nodes: list[str], available: int, status: StockStatus
) -> None:
    result = item_availability("I", "E", NET_RECORDS, NET_NODES, flt=flt, now=NOW)
    assert [n.ship_node for n in result.nodes] == nodes
    assert (result.network.available, result.network.status) == (available, status)


def test_network_low_stock_uses_summed_thresholds() -> None:
    records = [rec("DC1", 3, threshold=4), rec("S1", 3, threshold=2)]
    result = item_availability("I", "E", records, NET_NODES, flt=AvailabilityFilter(), now=NOW)
    assert (result.network.available, result.network.status) == (6, StockStatus.LOW_STOCK)


def test_other_enterprise_records_are_ignored() -> None:
    other = SupplyRecord(item_id="I", ship_node="DC1", enterprise_code="X", quantity=99)
    result = item_availability(
        "I", "E", [other, rec("S1", 2)], NET_NODES, flt=AvailabilityFilter(), now=NOW
    )
    assert result.network.available == 2


VALID_NODES = NET_NODES | {
    "OFF": node("OFF", status=NodeStatus.INACTIVE),
    "INF": node("INF"),
}


@pytest.mark.parametrize(
    ("records", "flt", "valid_until"),
    [
        pytest.param([rec("DC1", 5)], AvailabilityFilter(), None, id="no-holds"),
        pytest.param(
            [
                rec("DC1", 9, reserved=3, holds=hold("a", 1, NOW + 60) | hold("b", 2, NOW + 30)),
                rec("S1", 9, reserved=1, holds=hold("c", 1, NOW + 10)),
            ],
            AvailabilityFilter(),
            NOW + 10,
            id="earliest-counted-hold",
        ),
        pytest.param(
            [rec("DC1", 9, reserved=3, holds=hold("a", 1, NOW - 5) | hold("b", 2, NOW + 30))],
            AvailabilityFilter(),
            NOW + 30,
            id="expired-hold-ignored",
        ),
        pytest.param(
            [rec("DC1", 9, reserved=1, holds=hold("a", 1, NOW + 60))],
            AvailabilityFilter(node_type=NodeType.STORE),
            None,
            id="filtered-out-node",
        ),
        pytest.param(
            [rec("OFF", 9, reserved=1, holds=hold("a", 1, NOW + 5))],
            AvailabilityFilter(),
            None,
            id="inactive-node",
        ),
        pytest.param(
            [rec("INF", 0, infinite=True, reserved=1, holds=hold("a", 1, NOW + 5))],
            AvailabilityFilter(),
            None,
            id="infinite-node",
        ),
    ],
)
def test_valid_until_is_the_earliest_expiry_of_a_counted_hold(
    records: list[SupplyRecord], flt: AvailabilityFilter, valid_until: float | None
) -> None:
    result = item_availability("I", "E", records, VALID_NODES, flt=flt, now=NOW)
    assert result.valid_until == valid_until


def test_item_version_is_sum_of_record_versions() -> None:
    records = [rec("DC1", 1, version=3), rec("S1", 1, version=4)]
    assert (
        item_availability("I", "E", records, NET_NODES, flt=AvailabilityFilter(), now=NOW).version
        == 7
    )


@pytest.mark.parametrize(
    ("records", "cap", "network", "per_node"),
    [
        ([rec("DC1", 500), rec("S1", 3)], 50, 50, [50, 3]),
        ([rec("DC1", 0, infinite=True), rec("S1", 3)], 50, 50, [50, 3]),
        ([rec("DC1", 20), rec("S1", 20)], 30, 30, [20, 20]),
    ],
    ids=["large-capped", "infinite-shown-as-cap", "sum-capped-nodes-not"],
)
def test_display_cap(
    records: list[SupplyRecord], cap: int, network: int, per_node: list[int]
) -> None:
    view = capped_view(
        item_availability("I", "E", records, NET_NODES, flt=AvailabilityFilter(), now=NOW), cap
    )
    assert view.network.available == network
    assert [n.available for n in view.nodes] == per_node


@pytest.mark.parametrize(
    ("previous", "current", "event"),
    [
        (None, StockStatus.OUT_OF_STOCK, None),
        (StockStatus.IN_STOCK, StockStatus.IN_STOCK, None),
        (StockStatus.IN_STOCK, StockStatus.LOW_STOCK, "LowStockReached"),
        (StockStatus.LOW_STOCK, StockStatus.OUT_OF_STOCK, "OutOfStock"),
        (StockStatus.IN_STOCK, StockStatus.OUT_OF_STOCK, "OutOfStock"),
        (StockStatus.OUT_OF_STOCK, StockStatus.LOW_STOCK, "BackInStock"),
        (StockStatus.OUT_OF_STOCK, StockStatus.IN_STOCK, "BackInStock"),
        (StockStatus.LOW_STOCK, StockStatus.IN_STOCK, None),
    ],
    ids=[
        "first-sight",
        "unchanged",
        "in-to-low",
        "low-to-out",
        "in-to-out",
        "out-to-low",
        "out-to-in",
        "low-to-in",
    ],
)
def test_boundary_event(
    previous: StockStatus | None, current: StockStatus, event: str | None
) -> None:
    assert boundary_event(previous, current) == event


def line(item: str, qty: int, ship_node: str | None = None) -> ReservationLine:
    return ReservationLine(item_id=item, quantity=qty, ship_node=ship_node)


def test_merge_lines_sums_same_item_and_node() -> None:
    merged = merge_lines([line("A", 2, "N"), line("B", 1), line("A", 3, "N"), line("A", 1)])
    assert merged == (line("A", 5, "N"), line("B", 1), line("A", 1))


def test_fingerprint_ignores_line_split_and_order() -> None:
    one = ReserveInventory(reservation_id="r", enterprise_code="E", lines=(line("A", 5, "N"),))
    two = ReserveInventory(
        reservation_id="r", enterprise_code="E", lines=(line("A", 2, "N"), line("A", 3, "N"))
    )
    other = ReserveInventory(reservation_id="r", enterprise_code="E", lines=(line("A", 4, "N"),))
    assert fingerprint(one) == fingerprint(two) != fingerprint(other)


ALLOC_NODES = {
    "DC1": node("DC1"),
    "DC2": node("DC2"),
    "S1": node("S1", NodeType.STORE, capabilities=(Capability.SHIP, Capability.PICKUP)),
    "P1": node("P1", NodeType.STORE, capabilities=(Capability.PICKUP,)),
    "OFF": node("OFF", status=NodeStatus.INACTIVE),
}


@pytest.mark.parametrize(
    ("records", "lines", "allocations", "shortages"),
    [
        ([rec("DC1", 5)], [line("I", 2, "DC1"), line("I", 3, "DC1")], [("DC1", 5)], []),
        (
            [rec("DC1", 5)],
            [line("I", 4, "DC1"), line("I", 2, "DC1")],
            [],
            [Shortage(item_id="I", ship_node="DC1", requested=6, available=5)],
        ),
        ([rec("DC1", 3), rec("DC2", 8), rec("S1", 50)], [line("I", 5)], [("DC2", 5)], []),
        (
            [rec("DC1", 3), rec("DC2", 4), rec("S1", 2)],
            [line("I", 9)],
            [("DC2", 4), ("DC1", 3), ("S1", 2)],
            [],
        ),
        (
            [rec("DC1", 3), rec("P1", 50), rec("OFF", 50)],
            [line("I", 4)],
            [],
            [Shortage(item_id="I", ship_node=None, requested=4, available=3)],
        ),
        ([rec("S1", 0, infinite=True), rec("DC1", 9)], [line("I", 1000)], [("S1", 1000)], []),
        (
            [rec("DC1", 5)],
            [line("I", 3, "DC1"), line("I", 3)],
            [("DC1", 3)],
            [Shortage(item_id="I", ship_node=None, requested=3, available=2)],
        ),
        (
            [rec("DC1", 5)],
            [line("I", 1, "NOPE")],
            [],
            [Shortage(item_id="I", ship_node="NOPE", requested=1, available=0)],
        ),
        (
            [rec("OFF", 5)],
            [line("I", 1, "OFF")],
            [],
            [Shortage(item_id="I", ship_node="OFF", requested=1, available=0)],
        ),
    ],
    ids=[
        "summed-fits",
        "summed-exceeds",
        "dc-with-enough-first",
        "split-dc-then-store",
        "pickup-only-and-inactive-skipped",
        "infinite-first",
        "explicit-before-any",
        "unknown-node",
        "inactive-node",
    ],
)
def test_allocate(
    records: list[SupplyRecord],
    lines: list[ReservationLine],
    allocations: list[tuple[str, int]],
    shortages: list[Shortage],
) -> None:
    got, short = allocate(lines, records, ALLOC_NODES, NOW)
    assert got == tuple(Allocation(item_id="I", ship_node=n, quantity=q) for n, q in allocations)
    assert short == tuple(shortages)
