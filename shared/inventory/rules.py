"""Availability, status and allocation rules: pure functions, no I/O, no clock.

Callers pass ``now`` (epoch seconds) so that expired holds are ignored the moment they
expire, whether the supply record came from the store or from the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence

from shared.inventory.model import (
    Allocation,
    AvailabilityFilter,
    AvailabilityView,
    Capability,
    ItemAvailability,
    NetworkAvailability,
    NetworkView,
    NodeAvailability,
    NodeType,
    NodeView,
    ReservationLine,
    ReserveInventory,
    ShipNode,
    Shortage,
    StockStatus,
    SupplyRecord,
)

LOCKED_EXP = 4_102_444_800.0
"""2100-01-01: a hold being confirmed gets this expiry so nothing can reclaim it."""

OUT_OF_STOCK_EVENT = "OutOfStock"
LOW_STOCK_EVENT = "LowStockReached"
BACK_IN_STOCK_EVENT = "BackInStock"


def hold_key(reservation_id: str) -> str:
    """A fixed-shape map key for a reservation's hold: safe in any Cosmos path."""
    return "h" + hashlib.sha256(reservation_id.encode()).hexdigest()[:24]


def supply_id(item_id: str, ship_node: str) -> str:
    return f"{item_id}@{ship_node}"


def expired_quantity(record: SupplyRecord, now: float) -> int:
    return sum(h.quantity for h in record.holds.values() if h.exp <= now)


def effective_reserved(record: SupplyRecord, now: float) -> int:
    """Reserved units without the holds that have expired (the timer may not have run)."""
    return max(0, record.reserved - expired_quantity(record, now))


def raw_available(record: SupplyRecord, now: float) -> int:
    return max(0, record.quantity - effective_reserved(record, now) - record.safety_stock)


def stock_status(available: int, threshold: int, infinite: bool = False) -> StockStatus:
    if infinite:
        return StockStatus.IN_STOCK
    if available <= 0:
        return StockStatus.OUT_OF_STOCK
    if available <= threshold:
        return StockStatus.LOW_STOCK
    return StockStatus.IN_STOCK


def node_availability(record: SupplyRecord, node: ShipNode | None, now: float) -> NodeAvailability:
    """An INACTIVE or unknown node offers nothing, whatever its stock."""
    usable = node is not None and node.active
    infinite = record.infinite and usable
    available = raw_available(record, now) if usable and not record.infinite else 0
    return NodeAvailability(
        ship_node=record.ship_node,
        available=available,
        infinite=infinite,
        status=stock_status(available, record.threshold, infinite),
        quantity=record.quantity,
        reserved=effective_reserved(record, now),
        safety_stock=record.safety_stock,
        threshold=record.threshold,
        version=record.version,
        node=node,
    )


def node_matches(node: ShipNode | None, flt: AvailabilityFilter) -> bool:
    if node is None:
        return False
    if flt.node_type is not None and node.node_type is not flt.node_type:
        return False
    if flt.ship_node is not None and node.ship_node != flt.ship_node:
        return False
    if flt.ship_nodes is not None and node.ship_node not in flt.ship_nodes:
        return False
    return flt.capability is None or flt.capability in node.capabilities


def item_version(records: Iterable[SupplyRecord]) -> int:
    """Every write adds one to one record's version, so the sum only grows: a
    per-item version that cache writes and event consumers can compare."""
    return sum(r.version for r in records)


def item_availability(
    item_id: str,
    enterprise_code: str,
    records: Iterable[SupplyRecord],
    nodes: Mapping[str, ShipNode],
    *,
    flt: AvailabilityFilter,
    now: float,
) -> ItemAvailability:
    """Network = sum over the enterprise's matching ACTIVE nodes; the network threshold
    is the sum of their thresholds. ``valid_until`` is the earliest expiry of a live
    hold at a counted node: a cached copy must not outlive it."""
    mine = [r for r in records if r.item_id == item_id and r.enterprise_code == enterprise_code]
    only = flt.ship_nodes
    # a caller naming its nodes (sourcing, near a cart) gets those alone: the rest of a
    # network of thousands is neither sorted nor computed
    wanted = mine if only is None else [r for r in mine if r.ship_node in only]
    per_node = [
        node_availability(r, nodes.get(r.ship_node), now)
        for r in sorted(wanted, key=lambda r: r.ship_node)
        if node_matches(nodes.get(r.ship_node), flt)
    ]
    counted = [n for n in per_node if n.node is not None and n.node.active]
    held = {n.ship_node for n in counted if not n.infinite}
    expiries = [
        h.exp for r in wanted if r.ship_node in held for h in r.holds.values() if h.exp > now
    ]
    infinite = any(n.infinite for n in counted)
    total = sum(n.available for n in counted)
    threshold = sum(n.threshold for n in counted)
    return ItemAvailability(
        item_id=item_id,
        enterprise_code=enterprise_code,
        network=NetworkAvailability(
            available=total, infinite=infinite, status=stock_status(total, threshold, infinite)
        ),
        nodes=tuple(per_node),
        version=item_version(mine),
        valid_until=min(expiries, default=None),
    )


def displayed(available: int, infinite: bool, cap: int) -> int:
    return cap if infinite else min(available, cap)


def capped_view(availability: ItemAvailability, cap: int) -> AvailabilityView:
    """What anonymous callers see: never more than ``cap`` units anywhere."""
    net = availability.network
    return AvailabilityView(
        item_id=availability.item_id,
        network=NetworkView(
            available=displayed(net.available, net.infinite, cap), status=net.status
        ),
        nodes=tuple(
            NodeView(
                ship_node=n.ship_node,
                available=displayed(n.available, n.infinite, cap),
                status=n.status,
            )
            for n in availability.nodes
        ),
    )


def boundary_event(previous: StockStatus | None, current: StockStatus) -> str | None:
    """The stock-level event a status change crosses, if any; ``None`` before a first
    known status, so seeding a catalogue does not flood consumers."""
    if previous is None or previous is current:
        return None
    if current is StockStatus.OUT_OF_STOCK:
        return OUT_OF_STOCK_EVENT
    if previous is StockStatus.OUT_OF_STOCK:
        return BACK_IN_STOCK_EVENT
    if current is StockStatus.LOW_STOCK:
        return LOW_STOCK_EVENT
    return None


def merge_lines(lines: Sequence[ReservationLine]) -> tuple[ReservationLine, ...]:
    """Lines of the same item and node (or the same item without node) summed, in
    first-seen order, so a split request is checked against the stock once."""
    totals: dict[tuple[str, str | None], int] = {}
    for line in lines:
        key = (line.item_id, line.ship_node)
        totals[key] = totals.get(key, 0) + line.quantity
    return tuple(
        ReservationLine(item_id=item, ship_node=node, quantity=qty)
        for (item, node), qty in totals.items()
    )


def fingerprint(request: ReserveInventory) -> str:
    """Same reservation, same fingerprint: tells a retry from a reuse of the id."""
    lines = sorted(
        (line.item_id, line.ship_node or "", line.quantity) for line in merge_lines(request.lines)
    )
    canonical = json.dumps([request.enterprise_code, lines, request.ttl_seconds])
    return hashlib.sha256(canonical.encode()).hexdigest()


def _candidate_order(record: SupplyRecord, node: ShipNode, now: float) -> tuple[int, int, int, str]:
    return (
        0 if record.infinite else 1,
        0 if node.node_type is NodeType.DC else 1,
        -raw_available(record, now),
        node.ship_node,
    )


def allocate(
    lines: Sequence[ReservationLine],
    records: Iterable[SupplyRecord],
    nodes: Mapping[str, ShipNode],
    now: float,
) -> tuple[tuple[Allocation, ...], tuple[Shortage, ...]]:
    """Where each (merged) line would be held, given a snapshot of the stock.

    A line with a node is held there; a line without one is held at ACTIVE nodes that
    ship, infinite first, then distribution centres, then by most available, split
    across nodes when no single node has enough. The snapshot may be stale: the hold
    itself is the check that counts.
    """
    left: dict[tuple[str, str], int] = {}
    infinite: set[tuple[str, str]] = set()
    by_item: dict[str, list[SupplyRecord]] = {}
    for r in records:
        node = nodes.get(r.ship_node)
        if node is None or not node.active:
            continue
        key = (r.item_id, r.ship_node)
        left[key] = raw_available(r, now)
        if r.infinite:
            infinite.add(key)
        by_item.setdefault(r.item_id, []).append(r)
    allocations: dict[tuple[str, str], int] = {}
    shortages: list[Shortage] = []

    def take(key: tuple[str, str], wanted: int) -> int:
        got = wanted if key in infinite else min(wanted, left.get(key, 0))
        if got > 0:
            if key not in infinite:
                left[key] -= got
            allocations[key] = allocations.get(key, 0) + got
        return got

    merged = merge_lines(lines)
    for line in (ln for ln in merged if ln.ship_node is not None):
        assert line.ship_node is not None
        key = (line.item_id, line.ship_node)
        available = line.quantity if key in infinite else left.get(key, 0)
        if available < line.quantity:
            shortages.append(
                Shortage(
                    item_id=line.item_id,
                    ship_node=line.ship_node,
                    requested=line.quantity,
                    available=available,
                )
            )
        else:
            take(key, line.quantity)
    for line in (ln for ln in merged if ln.ship_node is None):
        candidates = sorted(
            (
                r
                for r in by_item.get(line.item_id, [])
                if Capability.SHIP in nodes[r.ship_node].capabilities
            ),
            key=lambda r: _candidate_order(r, nodes[r.ship_node], now),
        )
        before = dict(allocations)
        remaining = line.quantity
        for r in candidates:
            remaining -= take((r.item_id, r.ship_node), remaining)
            if remaining == 0:
                break
        if remaining > 0:
            for key, qty in allocations.items():
                given = qty - before.get(key, 0)
                if given and key not in infinite:
                    left[key] += given
            allocations = before
            shortages.append(
                Shortage(
                    item_id=line.item_id,
                    ship_node=None,
                    requested=line.quantity,
                    available=line.quantity - remaining,
                )
            )
    return (
        tuple(Allocation(item_id=i, ship_node=n, quantity=q) for (i, n), q in allocations.items()),
        tuple(shortages),
    )
