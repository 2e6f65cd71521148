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

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shared.calendar import WEEKDAYS, Weekday
from shared.catalog.lookups import DeliveryPromise, DeliveryQuery, StockLevel
from shared.errors import BadRequest
from shared.inventory.model import (
    AvailabilityFilter,
    AvailabilityView,
    ItemAvailability,
    ShipNode,
)
from shared.inventory.rules import capped_view
from shared.inventory.service import InventoryService
from shared.sourcing.calendars import NodeSchedule, WorkCalendar
from shared.sourcing.charges import Money
from shared.sourcing.model import (
    CartLine,
    Destination,
    NodeSupply,
    SourcingAnswer,
    SourcingRequest,
)
from shared.sourcing.service import ItemFacts, SourcingService

log = logging.getLogger("shared.bootstrap.bridges")

if TYPE_CHECKING:
    from shared.catalog.service import CatalogService
    from shared.confighub.service import ConfigHubService

MAX_PROCESSING_DAYS = 30
"""What sourcing's ``NodeSchedule`` accepts, as inventory's write model does."""

SKELETON_MEMO = 50_000
"""Ship nodes kept converted to sourcing's candidates (per process)."""
UNLIMITED = 1_000_000_000
"""Units sourcing sees for an infinite supply record: more than any cart asks for."""


# --- inventory -> sourcing ------------------------------------------------------------
class InventoryAvailability:
    """Sourcing's ``AvailabilitySource``: every node of the enterprise, with its live
    (uncapped) availability of the cart's items."""

    def __init__(self, inventory: InventoryService) -> None:
        self.inventory = inventory
        self._skeletons: dict[int, tuple[ShipNode, NodeSupply]] = {}

    def nodes(self, enterprise_code: str) -> list[NodeSupply]:
        """Converted once per node object: inventory hands back the same objects while
        its node list is unchanged."""
        out = []
        for node in self.inventory.nodes.list_nodes(enterprise_code):
            known = self._skeletons.get(id(node))
            if known is None or known[0] is not node:
                if len(self._skeletons) >= SKELETON_MEMO:
                    self._skeletons.clear()
                known = self._skeletons[id(node)] = (node, node_supply(node, {}))
            out.append(known[1])
        return out

    def stock(
        self, enterprise_code: str, item_ids: Sequence[str], ship_nodes: Collection[str] | None
    ) -> dict[str, dict[str, float]]:
        only = AvailabilityFilter(ship_nodes=frozenset(ship_nodes) if ship_nodes else None)
        reader = self.inventory.availability
        return stock_by_node(reader.get_availability_many(item_ids, enterprise_code, only))


def stock_by_node(found: Mapping[str, ItemAvailability]) -> dict[str, dict[str, float]]:
    """``node -> item -> units`` from per-item availability; infinite is ``UNLIMITED``."""
    stock: dict[str, dict[str, float]] = {}
    for item_id, availability in found.items():
        for n in availability.nodes:
            stock.setdefault(n.ship_node, {})[item_id] = UNLIMITED if n.infinite else n.available
    return stock


_SCHEDULES: dict[tuple[Any, ...], tuple[NodeSchedule, str | None]] = {}
SCHEDULE_MEMO = 4096
"""Distinct node schedules kept converted: a network of thousands of nodes has a handful
(one per zone, cutoff and calendar), and the planner dates each one once."""


def _schedule_key(node: ShipNode) -> tuple[Any, ...]:
    c = node.processing_calendar
    hs = c.holiday_set
    return (
        node.time_zone,
        node.cutoff_time,
        tuple(sorted(node.cutoffs.items())),
        node.processing_days,
        node.pick_pack_minutes,
        tuple(c.working_days),
        tuple(c.holidays),
        tuple(c.open_dates),
        None if hs is None else (hs.country, hs.subdivision, hs.only),
        tuple(sorted(node.business_hours.items())),
    )


def schedule_of(node: ShipNode) -> tuple[NodeSchedule, str | None]:
    """The node's schedule and ``None``, or a default schedule and why the stored one
    cannot be read; nodes with the same schedule get the same object."""
    key = _schedule_key(node)
    found = _SCHEDULES.get(key)
    if found is None:
        try:
            found = (node_schedule(node), None)
        except ValueError as exc:
            found = (NodeSchedule(), str(exc))
        if len(_SCHEDULES) >= SCHEDULE_MEMO:
            _SCHEDULES.clear()
        _SCHEDULES[key] = found
    return found


def node_supply(node: ShipNode, available: Mapping[str, float]) -> NodeSupply:
    """An inventory ship node as sourcing's candidate. A node whose stored zone or
    calendar sourcing cannot read is still a candidate, with its ``defect``: the planner
    rejects it by name instead of the whole cart failing. Built unvalidated: every value
    comes from a validated ship node."""
    schedule, defect = schedule_of(node)
    if defect is not None:
        log.warning("ship node %s set aside by sourcing: %s", node.ship_node, defect)
    return NodeSupply.model_construct(
        node_id=node.ship_node,
        node_type=str(node.node_type),
        node_groups=node.node_groups,
        active=node.active,
        latitude=node.location.latitude,
        longitude=node.location.longitude,
        postal_code=node.location.postal_code,
        schedule=schedule,
        capabilities=tuple(str(c) for c in node.capabilities),
        hazmat_allowed=node.hazmat_capable,
        daily_capacity=node.daily_capacity,
        capacity_by_level=node.capacity_by_level,
        available=dict(available),
        defect=defect,
    )


def node_schedule(node: ShipNode) -> NodeSchedule:
    """``ValueError`` naming the first value sourcing cannot read."""
    calendar = node.processing_calendar
    if not calendar.working_days:
        raise ValueError("the node has no working day")
    if not 0 <= node.processing_days <= MAX_PROCESSING_DAYS:
        raise ValueError(
            f"processing days {node.processing_days} is not 0 to {MAX_PROCESSING_DAYS}"
        )
    try:
        zone = NodeSchedule(time_zone=node.time_zone).time_zone
    except ValidationError:
        raise ValueError(f"unknown time zone {node.time_zone!r}") from None
    try:
        return NodeSchedule(
            time_zone=zone,
            cutoff=node.cutoff_time,
            cutoffs=node.cutoffs,
            processing_days=node.processing_days,
            pick_pack_minutes=node.pick_pack_minutes,
            processing_calendar=WorkCalendar(
                weekdays=tuple(iso_weekday(d) for d in sorted(set(calendar.working_days))),
                closed_dates=frozenset(holiday(d) for d in calendar.holidays),
                open_dates=frozenset(holiday(d) for d in calendar.open_dates),
                holidays=calendar.holiday_set,
            ),
            business_hours=node.business_hours,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None


def iso_weekday(day: int) -> Weekday:
    """ISO 1 (Monday) to 7 (Sunday); anything else is refused, never wrapped (0 would
    index Sunday)."""
    if not 1 <= day <= len(WEEKDAYS):
        raise ValueError(f"working day {day} is not an ISO weekday (1 = Monday ... 7 = Sunday)")
    return WEEKDAYS[day - 1]


def holiday(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"holiday {text!r} is not a date (YYYY-MM-DD)") from None


# --- catalog -> sourcing ---------------------------------------------------------------
class CatalogItems:
    """Sourcing's ``ItemLookup``: the catalog's own hazmat flag and shipping weight per
    variant, so a cart line is hazmat when the client says so or the catalog does, and is
    priced by what the parcel weighs. Built from a factory: a cart builds the catalog
    service only when it first asks."""

    def __init__(self, catalog: Callable[[], CatalogService]) -> None:
        self._catalog = catalog

    def item_facts(self, item_ids: Sequence[str]) -> Mapping[str, ItemFacts]:
        return {
            sku: ItemFacts(hazmat=v.hazmat, weight_grams=v.shipping_weight_grams)
            for sku, (_, v) in self._catalog().variants_by_sku(item_ids).items()
        }


# --- confighub -> sourcing -------------------------------------------------------------
FREE_SHIPPING_PREFIX = "sourcing.free-shipping."
CURRENCY_PROPERTY = "retailer.currency"


class ConfigHubFreeShipping:
    """Sourcing's ``FreeShippingThresholds`` from the retailer's configuration, so an
    operator changes a threshold without a deploy: ``sourcing.free-shipping.<LEVEL>`` (a
    decimal, in ``retailer.currency``) of the application and profile the settings name,
    read through ConfigHub's cached Spring environment."""

    def __init__(
        self, confighub: Callable[[], ConfigHubService], application: str, profile: str
    ) -> None:
        self._confighub = confighub
        self._application = application
        self._profile = profile

    def thresholds(self, enterprise_code: str) -> Mapping[str, Money]:
        env = self._confighub().get_environment(self._application, self._profile, None)
        merged: dict[str, str] = {}
        for source in reversed(env.property_sources):  # the first source wins, as in Spring
            merged.update(source.source)
        currency = merged.get(CURRENCY_PROPERTY, "USD")
        out: dict[str, Money] = {}
        for key, value in merged.items():
            if not key.startswith(FREE_SHIPPING_PREFIX):
                continue
            try:
                out[key.removeprefix(FREE_SHIPPING_PREFIX)] = Money(
                    amount=Decimal(value), currency=currency
                )
            except (ArithmeticError, ValidationError):
                log.warning("free-shipping threshold %s=%r is not an amount; ignored", key, value)
        return out


# --- inventory -> catalog -------------------------------------------------------------
class InventoryStockLevels:
    """The catalog's ``AvailabilityLookup``: capped network levels, one batch read."""

    def __init__(self, inventory: Callable[[], InventoryService]) -> None:
        self._inventory = inventory

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        """Capped like the HTTP answer, plus when each level stops being true (a hold
        expiring), which the catalog needs to bound its copy."""
        reader = self._inventory().availability
        found = reader.get_availability_many(list(dict.fromkeys(skus)), enterprise_code)
        cap = reader.display_cap
        return {item: stock_level(capped_view(a, cap), a.valid_until) for item, a in found.items()}


def stock_level(view: AvailabilityView, valid_until: float | None = None) -> StockLevel:
    return StockLevel(
        status=str(view.network.status),
        available=view.network.available,
        valid_until=valid_until,
    )


# --- sourcing -> catalog --------------------------------------------------------------
class SourcingPromises:
    """The catalog's ``DeliveryLookup``: one ``calculate_options_many`` call per page.
    Each query carries its variant's hazmat flag from the catalog itself, so sourcing is
    told not to ask the catalog again (a lookup per SKU of the page)."""

    def __init__(self, sourcing: Callable[[], SourcingService], country: str = "US") -> None:
        self._sourcing = sourcing
        self._country = country

    def get_delivery_promises(
        self, enterprise_code: str, queries: Sequence[DeliveryQuery]
    ) -> Mapping[DeliveryQuery, Sequence[DeliveryPromise]]:
        requests = [delivery_request(enterprise_code, q, self._country) for q in queries]
        answers = self._sourcing().calculate_options_many(requests, check_hazmat=False)
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
    line = CartLine(
        line_id="1",
        item_id=query.sku,
        quantity=query.quantity,
        hazmat=query.hazmat,
        weight_grams=query.weight_grams,
    )
    subtotal = (
        Money(amount=query.unit_price * query.quantity, currency=query.currency)
        if query.unit_price is not None and query.currency is not None
        else None
    )
    return SourcingRequest(
        enterprise_code=enterprise_code, destination=destination, lines=(line,), subtotal=subtotal
    )


def delivery_promises(answer: SourcingAnswer) -> tuple[DeliveryPromise, ...]:
    return tuple(
        DeliveryPromise(
            level_of_service=o.level_of_service,
            carrier_service_code=o.carrier_service_code or "",
            delivery_date=o.delivery_date,
            delivery_date_type=str(o.delivery_date_type),
            charge_amount=o.charge.amount,
            charge_currency=o.charge.currency,
            free_shipping=o.free_shipping,
        )
        for o in answer.options
    )
