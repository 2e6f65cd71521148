"""Checkout's models: carts and their checkout steps, orders, the requests that change
them and the answers clients read.

Money is ``Decimal`` end to end (never float) and travels as a string with two places,
as the catalog's prices do. Every model is frozen, snake_case in Python and camelCase on
the wire; what only the store keeps (owners, idempotency keys, tokens, leases) is in
``shared.checkout.stored``, and what clients send in ``shared.checkout.requests``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    Field,
    StringConstraints,
    field_serializer,
)

from shared.wire import WireModel

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""The inventory's item ids: a SKU is a stock item."""
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
VISITOR_ID_PATTERN = r"^[A-Za-z0-9_-]{22,64}$"
"""At least 22 URL-safe characters (a random 128-bit id in base64url, or a UUID in
hex): short and plain, and too long to guess. A visitor id is a bearer secret: only its
digest is stored."""
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
MAX_QUANTITY = 999
"""Units of one SKU in one cart (a retailer's per-line limit; 0 and 10,000 are refused)."""
MAX_LINES = 50

Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class CheckoutModel(WireModel):
    """Checkout data: the shared wire conventions."""


class Money(CheckoutModel):
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)

    @field_serializer("amount")
    def _amount_text(self, amount: Decimal) -> str:
        return f"{amount:.2f}"


# --- who is shopping -----------------------------------------------------------------
class ShopperKind(StrEnum):
    VISITOR = "VISITOR"
    CUSTOMER = "CUSTOMER"


class Shopper(CheckoutModel):
    """Who sends a request, as the edge authenticated it: a visitor id from the
    ``X-Visitor-Id`` header, or a customer's token subject."""

    kind: ShopperKind
    id: str = Field(min_length=1, max_length=256)


class Owner(CheckoutModel):
    """Whose a cart or order is, as stored: a customer's subject, a visitor's digest."""

    kind: ShopperKind
    id: str


# --- carts -----------------------------------------------------------------------------
class CartStatus(StrEnum):
    OPEN = "OPEN"
    ORDERED = "ORDERED"
    MERGED = "MERGED"
    """Merged into its owner's customer cart at sign-in."""


class CartLine(CheckoutModel):
    """One SKU in a cart (one line per SKU), priced from the catalog when added."""

    sku: str
    product_id: str
    name: str
    quantity: int
    unit_price: Money
    price_was: Money | None = None
    """The price before checkout found it changed and updated the line (shown once)."""


class Address(CheckoutModel):
    """Where an order goes (a residence in the US: what sourcing promises)."""

    name: str = Field(min_length=1, max_length=100)
    line1: str = Field(min_length=1, max_length=100)
    line2: str | None = Field(None, max_length=100)
    city: str = Field(min_length=1, max_length=60)
    state: str = Field(min_length=2, max_length=32)
    postal_code: str = Field(pattern=r"^[0-9]{5}(-[0-9]{4})?$")
    country: str = Field("US", pattern=r"^US$")


class Shipment(CheckoutModel):
    ship_node: str
    quantities: dict[str, int]
    """SKU -> units shipped from this node."""
    ship_date: date
    delivery_date: date


class DeliveryOption(CheckoutModel):
    option_id: str
    """``<levelOfService>:<carrierServiceCode>``: what the shopper chooses, whichever
    nodes serve it when the hold is made."""
    level_of_service: str
    carrier_service_code: str | None
    delivery_date: date
    delivery_date_type: str
    charge: Money
    shipments: tuple[Shipment, ...]


class HoldStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"


class HoldView(CheckoutModel):
    status: HoldStatus
    expires_at: datetime


class CardView(CheckoutModel):
    brand: str
    last4: str
    exp_month: int
    exp_year: int


class WarningCode(StrEnum):
    PRICE_CHANGED = "PRICE_CHANGED"
    """The catalog's price differs from the line's: checkout will update it and ask."""
    PRICE_UPDATED = "PRICE_UPDATED"
    """Checkout updated the line to the catalog's new price."""
    OUT_OF_STOCK = "OUT_OF_STOCK"
    NOT_ENOUGH_STOCK = "NOT_ENOUGH_STOCK"
    UNAVAILABLE = "UNAVAILABLE"
    """The SKU is no longer sold (gone from the catalog, or without a price)."""


class LineWarning(CheckoutModel):
    code: WarningCode
    message: str
    was: Money | None = None
    now: Money | None = None
    available: int | None = None


class CartLineView(CheckoutModel):
    sku: str
    product_id: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    warnings: tuple[LineWarning, ...] = ()


class Totals(CheckoutModel):
    subtotal: Money
    delivery: Money
    total: Money


class CheckoutView(CheckoutModel):
    checkout_id: str
    destination: Address | None
    options: tuple[DeliveryOption, ...]
    unavailable_skus: tuple[str, ...]
    """SKUs sourcing cannot deliver to the destination: no option until they go."""
    choice: DeliveryOption | None
    hold: HoldView | None
    payment: CardView | None
    ready: bool
    """Destination, delivery, a live hold and a card: the order can be placed."""


class CartView(CheckoutModel):
    """The whole cart: every write answers it, so a client never merges partial state."""

    cart_id: str
    status: CartStatus
    owner: ShopperKind
    currency: str
    lines: tuple[CartLineView, ...]
    item_count: int
    totals: Totals
    checkout: CheckoutView | None
    order_id: str | None
    merged_into: str | None
    version: int
    created_at: datetime
    updated_at: datetime


# --- orders ----------------------------------------------------------------------------
class OrderStatus(StrEnum):
    PENDING = "PENDING"
    """Being placed (the saga's steps below); never seen as an order by its shopper."""
    PLACED = "PLACED"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"


class PlacementStep(StrEnum):
    AUTHORIZING = "AUTHORIZING"
    CONFIRMING = "CONFIRMING"
    CAPTURING = "CAPTURING"


PaymentStatus = Literal["PENDING", "AUTHORIZED", "CAPTURED", "VOIDED", "REFUNDED"]


class OrderLine(CheckoutModel):
    sku: str
    product_id: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    ship_node: str


class OrderDelivery(CheckoutModel):
    option_id: str
    level_of_service: str
    carrier_service_code: str | None
    promised_date: date
    date_type: str
    charge: Money
    shipments: tuple[Shipment, ...] = ()
    """Each node's package: its SKUs, the day it ships and the day it arrives (orders
    placed before packages were recorded have none)."""


class OrderPayment(CheckoutModel):
    brand: str
    last4: str
    amount: Money
    status: PaymentStatus


class Order(CheckoutModel):
    order_id: str
    order_number: str
    status: OrderStatus
    owner: ShopperKind
    customer_id: str | None
    lines: tuple[OrderLine, ...]
    delivery: OrderDelivery
    destination: Address
    totals: Totals
    payment: OrderPayment
    created_at: datetime
    placed_at: datetime | None = None
    cancelled_at: datetime | None = None
    events: tuple[str, ...] = ()
    """The order events published for it so far (``OrderPlaced``, ``OrderCancelled``)."""
    version: int
