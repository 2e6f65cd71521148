"""What checkout needs from the other contexts, in its own terms. The composition root
implements each over the other context's public service (``shared.bootstrap.bridges``),
so checkout never imports a context; payments come through the kernel's
``shared.payments.PaymentGateway``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.checkout.model import Address, DeliveryOption, Money


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    product_id: str
    name: str
    price: Money | None
    """In the currency asked for; ``None``: the catalog has no price in it."""
    sellable: bool
    """The product is active (not a draft, not discontinued)."""


class Catalog(Protocol):
    def items(self, skus: Sequence[str], currency: str) -> Mapping[str, CatalogItem]:
        """The known SKUs among ``skus``; an unknown SKU is left out."""
        ...


@dataclass(frozen=True)
class HoldLine:
    sku: str
    ship_node: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku: str
    requested: int
    available: int


@dataclass(frozen=True)
class HoldOutcome:
    """Held until ``expires_at``, or nothing held and the lines that were short."""

    expires_at: datetime | None
    short: tuple[Shortage, ...] = ()


class Stock(Protocol):
    def available(self, enterprise: str, skus: Sequence[str]) -> Mapping[str, int | None]:
        """Units of each SKU the network can still promise; ``None``: unlimited."""
        ...

    def hold(
        self, reservation_id: str, enterprise: str, lines: Sequence[HoldLine], ttl_seconds: int
    ) -> HoldOutcome:
        """All lines or none; idempotent by ``reservation_id``."""
        ...

    def extend(self, reservation_id: str, until: datetime) -> datetime | None:
        """The hold's new expiry, or ``None`` when it has ended (expired, released)."""
        ...

    def confirm(self, reservation_id: str) -> bool:
        """Turn the hold into a deduction of stock; ``False`` when it has ended.
        Idempotent: a confirmed hold confirms again."""
        ...

    def release(self, reservation_id: str) -> None:
        """Give the held units back; nothing when there is no such hold any more."""
        ...

    def restock(self, reservation_id: str, actor: str, reason: str) -> None:
        """Give back what a confirmed hold deducted, exactly once, audited."""
        ...


@dataclass(frozen=True)
class Quote:
    options: tuple[DeliveryOption, ...]
    unavailable_skus: tuple[str, ...]


class Delivery(Protocol):
    def quote(
        self,
        enterprise: str,
        destination: Address,
        lines: Sequence[tuple[str, int]],
        subtotal: Money,
    ) -> Quote:
        """Delivery options for the whole cart (``(sku, quantity)`` lines) with their
        charges; ``subtotal`` is what the free-shipping thresholds are compared with."""
        ...
