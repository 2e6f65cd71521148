"""Node capacity counted from the order events: what sourcing reads of checkout's
``OrderPlaced`` and ``OrderCancelled`` (its own reading of the payload, so checkout and
sourcing share the event, never code).

An order placed counts once against the local day each of its packages ships from its
node, at the order's level of service; the same order cancelled gives those days back.
Both are idempotent per (order, node, day), so a redelivered batch changes nothing. An
order whose payload names no packages (placed before checkout recorded them) counts on
the node-local day it was placed, at each node its lines ship from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shared.events import EventEnvelope
from shared.sourcing.capacity import CapacityLedger
from shared.sourcing.model import NodeSupply
from shared.wire import WireModel

log = logging.getLogger("shared.sourcing")

ORDER_PLACED = "OrderPlaced"
ORDER_CANCELLED = "OrderCancelled"


class _Package(WireModel):
    ship_node: str
    ship_date: date


class _Delivery(WireModel):
    level_of_service: str | None = None
    shipments: tuple[_Package, ...] = ()


class _Line(WireModel):
    ship_node: str


class _OrderEvent(WireModel):
    order_id: str
    enterprise_code: str
    lines: tuple[_Line, ...] = ()
    delivery: _Delivery = _Delivery()
    placed_at: datetime | None = None


@dataclass(frozen=True)
class Package:
    """One node's shipment of an order on the node's local day."""

    ship_node: str
    day: date


@dataclass(frozen=True)
class OrderCounted:
    order_id: str
    level_of_service: str | None
    packages: tuple[Package, ...]
    placed: bool
    """``False``: the order was cancelled (its days are given back)."""


@dataclass(frozen=True)
class CapacityResult:
    counted: int
    released: int
    skipped: int


NodeZones = Callable[[str], dict[str, str]]
"""Enterprise code -> {node id: IANA time zone}."""


def read_order_event(event: EventEnvelope, zones: NodeZones) -> OrderCounted | None:
    """The capacity an order event changes; ``None`` for other events. Raises
    ``ValidationError`` for an order event whose payload sourcing cannot read."""
    if event.event_type not in (ORDER_PLACED, ORDER_CANCELLED):
        return None
    order = _OrderEvent.model_validate(event.payload)
    packages = tuple(Package(p.ship_node, p.ship_date) for p in order.delivery.shipments)
    if not packages:
        placed = order.placed_at or event.timestamp
        known = zones(order.enterprise_code)
        nodes = dict.fromkeys(line.ship_node for line in order.lines)
        packages = tuple(Package(n, _local_day(placed, known.get(n))) for n in nodes)
    return OrderCounted(
        order_id=order.order_id,
        level_of_service=order.delivery.level_of_service,
        packages=packages,
        placed=event.event_type == ORDER_PLACED,
    )


def apply_order_events(
    ledger: CapacityLedger, events: Iterable[EventEnvelope], zones: NodeZones
) -> CapacityResult:
    """Count placed orders and give back cancelled ones, in delivery order. An order
    event whose payload cannot be read is logged and skipped (no retry can mend it)."""
    counted = released = skipped = 0
    for event in events:
        try:
            order = read_order_event(event, zones)
        except ValidationError as exc:
            skipped += 1
            log.error(
                "capacity: skipped %s %s, its payload is not an order: %s",
                event.event_type,
                event.event_id,
                sorted({".".join(map(str, e["loc"])) for e in exc.errors()}),
            )
            continue
        if order is None:
            continue
        for package in order.packages:
            if order.placed:
                counted += ledger.count(
                    order.order_id, package.ship_node, package.day, order.level_of_service
                )
            else:
                released += ledger.release(order.order_id, package.ship_node, package.day)
    return CapacityResult(counted=counted, released=released, skipped=skipped)


def node_zones(nodes: Sequence[NodeSupply]) -> dict[str, str]:
    return {n.node_id: n.schedule.time_zone for n in nodes}


def _local_day(at: datetime, zone: str | None) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        return at.astimezone(ZoneInfo(zone)).date() if zone else at.astimezone(UTC).date()
    except (KeyError, ValueError):
        return at.astimezone(UTC).date()
