"""The adapters that let checkout use the catalog, inventory and sourcing (its ``ports``).

A module of its own beside ``bridges`` (which keeps the bridges between the older
contexts), so each stays a size one can read. As there, every conversion is a pure
function tested value by value, and each adapter calls only the other context's public
service, built on first use from a factory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.checkout.model import Address, DeliveryOption, Money, Shipment
from shared.checkout.ports import CatalogItem, HoldLine, HoldOutcome, Quote, Shortage
from shared.checkout.rules import option_id
from shared.errors import Conflict, NotFound, RuleViolation
from shared.inventory.model import (
    ItemAvailability,
    ReservationLine,
    ReservationStatus,
    ReserveInventory,
)
from shared.sourcing.charges import Money as SourcingMoney
from shared.sourcing.model import CartLine, Destination, SourcingAnswer, SourcingRequest

if TYPE_CHECKING:
    from shared.catalog.model import Product, Variant
    from shared.catalog.service import CatalogService
    from shared.inventory.service import InventoryService
    from shared.sourcing.service import SourcingService

ENDED = frozenset({"RESERVATION_EXPIRED", "RESERVATION_RELEASED"})
"""Inventory's 409s of a hold that no longer holds anything."""


# --- catalog -> checkout -------------------------------------------------------------------
class CatalogPrices:
    """Checkout's ``Catalog``: the catalog's variants by SKU, priced in one currency."""

    def __init__(self, catalog: Callable[[], CatalogService]) -> None:
        self._catalog = catalog

    def items(self, skus: Sequence[str], currency: str) -> dict[str, CatalogItem]:
        found = self._catalog().variants_by_sku(skus)
        return {sku: catalog_item(p, v, currency) for sku, (p, v) in found.items()}


def catalog_item(product: Product, variant: Variant, currency: str) -> CatalogItem:
    price = variant.price(currency)
    name = product.name if variant.name == product.name else f"{product.name}, {variant.name}"
    return CatalogItem(
        sku=variant.sku,
        product_id=product.product_id,
        name=name,
        price=Money(amount=price.amount, currency=currency) if price else None,
        sellable=product.status.value == "ACTIVE",
    )


# --- inventory -> checkout -----------------------------------------------------------------
class InventoryStock:
    """Checkout's ``Stock``: network availability, and reservations as holds."""

    def __init__(self, inventory: Callable[[], InventoryService]) -> None:
        self._inventory = inventory

    def available(self, enterprise: str, skus: Sequence[str]) -> dict[str, int | None]:
        found = self._inventory().availability.get_availability_many(skus, enterprise)
        return network_units(found)

    def hold(
        self, reservation_id: str, enterprise: str, lines: Sequence[HoldLine], ttl_seconds: int
    ) -> HoldOutcome:
        request = reserve_request(reservation_id, enterprise, lines, ttl_seconds)
        try:
            reservation, _ = self._inventory().reservations.reserve(request)
        except Conflict as exc:
            if exc.code != "INSUFFICIENT_INVENTORY":
                raise
            return HoldOutcome(None, shortages(exc.details))
        if reservation.status is not ReservationStatus.HELD:
            return HoldOutcome(None)
        return HoldOutcome(reservation.expires_at)

    def extend(self, reservation_id: str, until: datetime) -> datetime | None:
        try:
            extended = self._inventory().reservations.extend(reservation_id, until.timestamp())
        except (NotFound, RuleViolation):
            return None
        except Conflict as exc:
            if exc.code in ENDED or exc.code == "RESERVATION_CONFIRMED":
                return None
            raise
        return extended.expires_at

    def confirm(self, reservation_id: str) -> bool:
        try:
            self._inventory().reservations.confirm(reservation_id)
        except NotFound:
            return False
        except Conflict as exc:
            if exc.code in ENDED:
                return False
            raise
        return True

    def release(self, reservation_id: str) -> None:
        try:
            self._inventory().reservations.release(reservation_id)
        except NotFound:
            return

    def restock(self, reservation_id: str, actor: str, reason: str) -> None:
        self._inventory().restocks.restock(reservation_id, actor, reason)


def network_units(found: Mapping[str, ItemAvailability]) -> dict[str, int | None]:
    """Units the network can promise per SKU, uncapped; ``None`` when unlimited."""
    return {sku: None if a.network.infinite else a.network.available for sku, a in found.items()}


def reserve_request(
    reservation_id: str, enterprise: str, lines: Sequence[HoldLine], ttl_seconds: int
) -> ReserveInventory:
    return ReserveInventory(
        reservation_id=reservation_id,
        enterprise_code=enterprise,
        lines=tuple(
            ReservationLine(item_id=line.sku, quantity=line.quantity, ship_node=line.ship_node)
            for line in lines
        ),
        ttl_seconds=ttl_seconds,
    )


def shortages(details: Any) -> tuple[Shortage, ...]:
    """Inventory's short lines (per item and node) as checkout's (per SKU)."""
    by_sku: dict[str, tuple[int, int]] = {}
    for line in (details or {}).get("lines", []):
        asked, left = by_sku.get(line["itemId"], (0, 0))
        by_sku[line["itemId"]] = (asked + int(line["requested"]), left + int(line["available"]))
    return tuple(Shortage(sku, asked, left) for sku, (asked, left) in by_sku.items())


# --- sourcing -> checkout ------------------------------------------------------------------
class SourcingDelivery:
    """Checkout's ``Delivery``: sourcing's options for the whole cart to a residence."""

    def __init__(self, sourcing: Callable[[], SourcingService]) -> None:
        self._sourcing = sourcing

    def quote(
        self,
        enterprise: str,
        destination: Address,
        lines: Sequence[tuple[str, int]],
        subtotal: Money,
    ) -> Quote:
        answer = self._sourcing().calculate_options(
            sourcing_request(enterprise, destination, lines, subtotal)
        )
        return delivery_quote(answer)


def sourcing_request(
    enterprise: str, destination: Address, lines: Sequence[tuple[str, int]], subtotal: Money
) -> SourcingRequest:
    """One line per SKU, its id the SKU: sourcing's shipments then name SKUs. The cart's
    subtotal lets sourcing apply a level's free-shipping threshold."""
    return SourcingRequest(
        enterprise_code=enterprise,
        destination=Destination(postal_code=destination.postal_code, country=destination.country),
        lines=tuple(CartLine(line_id=sku, item_id=sku, quantity=qty) for sku, qty in lines),
        subtotal=SourcingMoney(amount=subtotal.amount, currency=subtotal.currency),
    )


def delivery_quote(answer: SourcingAnswer) -> Quote:
    """Each option with the charge sourcing priced it at (free above a threshold)."""
    options = tuple(
        DeliveryOption(
            option_id=option_id(o.level_of_service, o.carrier_service_code),
            level_of_service=o.level_of_service,
            carrier_service_code=o.carrier_service_code,
            delivery_date=o.delivery_date,
            delivery_date_type=o.delivery_date_type,
            charge=Money(amount=o.charge.amount, currency=o.charge.currency),
            shipments=tuple(
                Shipment(
                    ship_node=s.ship_node,
                    quantities=dict(s.quantities),
                    ship_date=s.ship_date,
                    delivery_date=s.delivery_date,
                )
                for s in o.shipments
            ),
        )
        for o in answer.options
    )
    return Quote(options=options, unavailable_skus=tuple(answer.unavailable_lines))
