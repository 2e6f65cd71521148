"""The lookups the catalog needs from other contexts (inventory, sourcing).

The catalog must not import inventory or sourcing; it states what it needs here and the
composition root adapts those contexts' services to it. Each lookup takes a whole batch,
so a page of products costs a bounded number of calls whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class StockLevel:
    """Network availability of one SKU for one enterprise, as the storefront may see it."""

    status: str
    """IN_STOCK, LOW_STOCK or OUT_OF_STOCK."""
    available: int | None
    """Capped by inventory's display cap; ``None`` when unlimited."""
    valid_until: float | None = None
    """Epoch seconds when a hold counted here expires, so the level changes with no
    write or event: a cached copy is stale from then on. ``None``: no such instant."""


@dataclass(frozen=True)
class DeliveryQuery:
    """One variant shipped alone: its own hazmat flag and parcel weight, and its price in
    the request's currency (the value a free-shipping threshold is compared with)."""

    sku: str
    postal_code: str
    quantity: int
    hazmat: bool
    weight_grams: int | None = None
    unit_price: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class DeliveryPromise:
    level_of_service: str
    carrier_service_code: str
    delivery_date: date
    delivery_date_type: str
    charge_amount: Decimal = Decimal("0.00")
    charge_currency: str = "USD"
    free_shipping: bool = False


class AvailabilityLookup(Protocol):
    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        """Levels of the SKUs inventory knows; an unknown SKU is simply absent."""
        ...


class DeliveryLookup(Protocol):
    def get_delivery_promises(
        self, enterprise_code: str, queries: Sequence[DeliveryQuery]
    ) -> Mapping[DeliveryQuery, Sequence[DeliveryPromise]]:
        """One entry per query that sourcing could answer (possibly with no options)."""
        ...
