"""Adapters that let one context use another's public service.

Contexts never import each other; each declares what it needs (sourcing its
``AvailabilitySource``, the catalog its ``AvailabilityLookup`` and ``DeliveryLookup``) and
these adapters implement it over the other context's service, calling only its public
methods. The conversions are pure functions so they can be tested value by value.

Both catalog lookups answer a whole page of SKUs with a bounded number of store round
trips: inventory's batch read chunks its own store queries, and sourcing's
``calculate_options_many`` reads carrier services, rules and availability once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from pydantic import ValidationError

from shared.catalog.source import DeliveryPromise, DeliveryQuery, StockLevel
from shared.errors import BadRequest
from shared.inventory.model import AvailabilityView, ItemAvailability, ShipNode
from shared.inventory.service import InventoryService
from shared.sourcing.calendars import WEEKDAYS, NodeSchedule, WorkCalendar
from shared.sourcing.model import (
    CartLine,
    Destination,
    NodeSupply,
    SourcingAnswer,
    SourcingRequest,
)
from shared.sourcing.service import SourcingService

UNLIMITED = 1_000_000_000
"""Units sourcing sees for an infinite supply record: more than any cart asks for."""


# --- inventory -> sourcing ------------------------------------------------------------
class InventoryAvailability:
    """Sourcing's ``AvailabilitySource``: every node of the enterprise, with its live
    (uncapped) availability of the cart's items."""

    def __init__(self, inventory: InventoryService) -> None:
        self.inventory = inventory

    def candidates(self, enterprise_code: str, item_ids: Sequence[str]) -> list[NodeSupply]:
        stock = stock_by_node(self.inventory.get_availability_many(item_ids, enterprise_code))
        return [
            node_supply(node, stock.get(node.ship_node, {}))
            for node in self.inventory.list_ship_nodes(enterprise_code)
        ]


def stock_by_node(found: Mapping[str, ItemAvailability]) -> dict[str, dict[str, float]]:
    """``node -> item -> units`` from per-item availability; infinite is ``UNLIMITED``."""
    stock: dict[str, dict[str, float]] = {}
    for item_id, availability in found.items():
        for n in availability.nodes:
            stock.setdefault(n.ship_node, {})[item_id] = UNLIMITED if n.infinite else n.available
    return stock


def node_supply(node: ShipNode, available: Mapping[str, float]) -> NodeSupply:
    """An inventory ship node as sourcing's candidate (ISO weekday 1 is Monday)."""
    calendar = node.processing_calendar
    return NodeSupply(
        node_id=node.ship_node,
        node_type=str(node.node_type),
        active=node.active,
        latitude=node.location.latitude,
        longitude=node.location.longitude,
        postal_code=node.location.postal_code,
        schedule=NodeSchedule(
            time_zone=node.time_zone,
            cutoff=node.cutoff_time,
            processing_calendar=WorkCalendar(
                weekdays=tuple(WEEKDAYS[d - 1] for d in sorted(calendar.working_days)),
                closed_dates=frozenset(date.fromisoformat(d) for d in calendar.holidays),
            ),
        ),
        capabilities=tuple(str(c) for c in node.capabilities),
        available=dict(available),
    )


# --- inventory -> catalog -------------------------------------------------------------
class InventoryStockLevels:
    """The catalog's ``AvailabilityLookup``: capped network levels, one batch read."""

    def __init__(self, inventory: Callable[[], InventoryService]) -> None:
        self._inventory = inventory

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        views = self._inventory().get_availability_views(list(dict.fromkeys(skus)), enterprise_code)
        return {view.item_id: stock_level(view) for view in views}


def stock_level(view: AvailabilityView) -> StockLevel:
    return StockLevel(status=str(view.network.status), available=view.network.available)


# --- sourcing -> catalog --------------------------------------------------------------
class SourcingPromises:
    """The catalog's ``DeliveryLookup``: one ``calculate_options_many`` call per page."""

    def __init__(self, sourcing: Callable[[], SourcingService], country: str = "US") -> None:
        self._sourcing = sourcing
        self._country = country

    def get_delivery_promises(
        self, enterprise_code: str, queries: Sequence[DeliveryQuery]
    ) -> Mapping[DeliveryQuery, Sequence[DeliveryPromise]]:
        requests = [delivery_request(enterprise_code, q, self._country) for q in queries]
        answers = self._sourcing().calculate_options_many(requests)
        return {q: delivery_promises(a) for q, a in zip(queries, answers, strict=True)}


def delivery_request(enterprise_code: str, query: DeliveryQuery, country: str) -> SourcingRequest:
    """One SKU shipped to a residence, ordered now; a malformed ZIP is the shopper's
    input, so it is a 400 naming the code rather than a failed lookup."""
    try:
        destination = Destination(postal_code=query.postal_code, country=country)
    except ValidationError:
        raise BadRequest(
            f"postal code {query.postal_code!r} is not a US ZIP code",
            code="INVALID_POSTAL_CODE",
        ) from None
    line = CartLine(line_id="1", item_id=query.sku, quantity=query.quantity, hazmat=query.hazmat)
    return SourcingRequest(enterprise_code=enterprise_code, destination=destination, lines=(line,))


def delivery_promises(answer: SourcingAnswer) -> tuple[DeliveryPromise, ...]:
    return tuple(
        DeliveryPromise(
            level_of_service=o.level_of_service,
            carrier_service_code=o.carrier_service_code or "",
            delivery_date=o.delivery_date,
            delivery_date_type=str(o.delivery_date_type),
        )
        for o in answer.options
    )
