"""Checkout's stored documents: the one module that spells their field names.

Containers and partition keys:

- ``carts`` (``/cartId``): one document per cart, with its owner (a customer's subject or
  a visitor's digest), the idempotency keys it applied (the last ``APPLIED_KEYS``), the
  checkout's state (its gateway token included) and a Cosmos ``ttl``;
- ``orders`` (``/orderId``): one document per order, which is also the record of the
  placement saga (its ``step`` and ``leaseUntil``) and of the events published for it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from shared.checkout.model import (
    Address,
    CardView,
    CartLine,
    CartStatus,
    CheckoutModel,
    DeliveryOption,
    Money,
    Order,
    OrderDelivery,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Owner,
    PaymentStatus,
    PlacementStep,
    ShopperKind,
    Totals,
)
from shared.stored import StoredModel, paths

ORDER_EVENTS = ("OrderPlaced", "OrderCancelled")
"""The order events, in the order an order goes through them (their versions 1, 2)."""
APPLIED_KEYS = 50
"""Idempotency keys a cart remembers: far more than a client retries, few enough that a
cart document stays small."""


class AppliedKey(CheckoutModel):
    key: str
    fingerprint: str
    """Of the request the key applied: the same key with another request is refused."""


class StoredCard(CheckoutModel):
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int

    def view(self) -> CardView:
        return CardView(
            brand=self.brand, last4=self.last4, exp_month=self.exp_month, exp_year=self.exp_year
        )


class StoredHold(CheckoutModel):
    reservation_id: str
    option_id: str
    started_at: datetime
    expires_at: datetime


class StoredCheckout(CheckoutModel):
    checkout_id: str
    """The id the order gets: placing is idempotent by it."""
    destination: Address | None = None
    options: tuple[DeliveryOption, ...] = ()
    unavailable_skus: tuple[str, ...] = ()
    choice: DeliveryOption | None = None
    hold: StoredHold | None = None
    payment: StoredCard | None = None
    placing: str | None = None
    """The order being placed: the cart takes no other write until it is done."""


class StoredCart(StoredModel):
    model_config = ConfigDict(extra="allow")

    cart_id: str
    owner: Owner
    status: CartStatus
    enterprise_code: str
    currency: str
    lines: tuple[CartLine, ...] = ()
    checkout: StoredCheckout | None = None
    applied: tuple[AppliedKey, ...] = ()
    merged_from: tuple[str, ...] = ()
    """Carts merged into this one: a repeated merge adds nothing twice."""
    merged_into: str | None = None
    order_id: str | None = None
    version: int
    ttl: int
    """Seconds after the last write Cosmos deletes the cart (an abandoned cart)."""
    created_at: datetime
    updated_at: datetime


class StoredOrderPayment(CheckoutModel):
    token: str
    brand: str
    last4: str
    amount: Money
    status: PaymentStatus = "PENDING"
    authorization_id: str | None = None

    def view(self) -> OrderPayment:
        return OrderPayment(
            brand=self.brand, last4=self.last4, amount=self.amount, status=self.status
        )


class PublishedEvent(CheckoutModel):
    event_id: str
    published_at: datetime


class StoredOrder(StoredModel):
    model_config = ConfigDict(extra="allow")

    order_id: str
    order_number: str
    owner: Owner
    cart_id: str
    enterprise_code: str
    status: OrderStatus
    step: PlacementStep | None = None
    lines: tuple[OrderLine, ...]
    delivery: OrderDelivery
    destination: Address
    totals: Totals
    payment: StoredOrderPayment
    reservation_id: str
    lease_until: float
    """Epoch seconds until which one request runs the saga; after it, anyone (a retry,
    the repair timer) may take it over."""
    created_at: datetime
    placed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    events: dict[str, PublishedEvent] = Field(default_factory=dict)
    version: int

    def view(self) -> Order:
        customer = self.owner.id if self.owner.kind is ShopperKind.CUSTOMER else None
        return Order(
            order_id=self.order_id,
            order_number=self.order_number,
            status=self.status,
            owner=self.owner.kind,
            customer_id=customer,
            lines=self.lines,
            delivery=self.delivery,
            destination=self.destination,
            totals=self.totals,
            payment=self.payment.view(),
            created_at=self.created_at,
            placed_at=self.placed_at,
            cancelled_at=self.cancelled_at,
            events=tuple(t for t in ORDER_EVENTS if t in self.events),
            version=self.version,
        )


CART = paths(StoredCart)
ORDER = paths(StoredOrder)
OWNER = paths(Owner)
EVENT = paths(PublishedEvent)

# Partition key paths, spelled out so the infrastructure checks (tests/infra) can read
# them without importing the code; tests/unit keeps each equal to its field's alias.
CART_PARTITION = "/cartId"
ORDER_PARTITION = "/orderId"
