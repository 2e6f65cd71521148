"""Calls checkout triggers through ``azure.functions`` objects, as the host would, on a
shop set up through the services: one DC in New Jersey, demo carrier services and rules,
and a few lipsticks in the local catalog. The clock is a ``ManualClock`` at a Tuesday
10:00 in New York, so every promise is exact."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import azure.functions as func

from shared.adapters.clock import ManualClock
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.catalog.model import Money, ProductDraft, ProductStatus, Variant
from shared.checkout.service import CheckoutService
from shared.checkout.stored import CART_PARTITION, ORDER_PARTITION
from shared.inventory.model import Location, NodeType, ShipNodeSpec, SupplySpec
from shared.ports import ContainerSpec, Query
from shared.security import CUSTOMER, INVENTORY_ADMIN, ORDER_ADMIN
from shared.sourcing.demo import seed_sourcing
from tests.conftest import TEST_SIGNING_KEY
from tests.counting import Call, CallLog, Counted, CountedStore
from tests.http_client import Response, call, function

START = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
"""Tuesday 10:00 in New York: before the DC's 14:00 cutoff."""
ENTERPRISE = "BEAUTY_US"
VISITOR = "visitor-0123456789abcdefghij"
OTHER_VISITOR = "visitor-zyxwvutsrqponmlkjihgf"
ALICE = mint_local_token(TEST_SIGNING_KEY, subject="alice", roles=[CUSTOMER])
BOB = mint_local_token(TEST_SIGNING_KEY, subject="bob", roles=[CUSTOMER])
SUPPORT = mint_local_token(TEST_SIGNING_KEY, subject="agent-7", roles=[ORDER_ADMIN])
STOCKIST = mint_local_token(TEST_SIGNING_KEY, subject="ops", roles=[INVENTORY_ADMIN])
RED, NUDE, GLOSS = "LIP-RED", "LIP-NUDE", "GLOSS-CLEAR"
PRICES = {RED: "24.00", NUDE: "18.50", GLOSS: "12.00"}
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "350 Fifth Avenue",
    "city": "New York",
    "state": "NY",
    "postalCode": "10001",
}
GROUND = "STANDARD:UPS_GROUND"
"""The option the tests choose: from New Jersey to New York ground arrives next day, as
soon as air, for less (the air options are dominated)."""
VISA = "4242 4242 4242 4242"
DECLINED = "4000000000000002"
NO_FUNDS = "4000000000009995"
TIMES_OUT = "4000000000000119"
NJ = Location(latitude=40.52, longitude=-74.41, postal_code="08817", state="NJ", city="Edison")


_KEYS = itertools.count(1)
"""Keys unique across shoppers, as a client's UUIDs are."""


class _Notes:
    def note(self, message: str) -> None:
        """Seeders report progress; tests do not need it."""


def open_shop(reg: Registry, stock: dict[str, int] | None = None) -> ManualClock:
    """The shop, built through the services with the clock installed first."""
    clock = ManualClock(START)
    reg.override(clock=clock)
    seed_sourcing(reg, _Notes())
    inventory = reg.inventory()
    node = ShipNodeSpec(
        name="Edison DC",
        enterprise_code=ENTERPRISE,
        node_type=NodeType.DC,
        time_zone="America/New_York",
        location=NJ,
        cutoff_time=time(14, 0),
    )
    inventory.nodes.put_node("DC-NJ", node, "test")
    for sku, quantity in (stock or {RED: 10, NUDE: 4, GLOSS: 6}).items():
        inventory.supply.set_supply(sku, "DC-NJ", SupplySpec(quantity=quantity), "test")
    for n, (sku, price) in enumerate(PRICES.items()):
        set_price(reg, sku, price, product=f"prod-{n}")
    return clock


def set_price(
    reg: Registry, sku: str, price: str, *, product: str | None = None, status: str = "ACTIVE"
) -> None:
    pid = product or f"prod-{list(PRICES).index(sku)}"
    variant = Variant(
        variant_id=f"{pid}-v",
        sku=sku,
        name=sku.rsplit("-", maxsplit=1)[-1].title(),
        prices=(Money(amount=Decimal(price), currency="USD"),),
    )
    draft = ProductDraft(
        name="Lipstick" if sku.startswith("LIP") else "Lip Gloss",
        slug=pid,
        status=ProductStatus(status),
        variants=(variant,),
    )
    reg.catalog().upsert_product(pid, draft)


@dataclass
class Shopper:
    """One shopper's headers: a visitor id, a customer token, or both (sign-in)."""

    visitor: str | None = VISITOR
    token: str | None = None
    keys: int = 0

    def headers(self, key: bool = True, **extra: str) -> dict[str, str]:
        sent = dict(extra)
        if self.visitor is not None:
            sent["X-Visitor-Id"] = self.visitor
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        if key:
            self.keys = next(_KEYS)
            sent.setdefault("Idempotency-Key", f"k{self.keys}")
        return sent

    def send(
        self, name: str, method: str, path: str, *, key: bool = True, **request: Any
    ) -> Response:
        headers = self.headers(key, **request.pop("headers", {}))
        return call(name, method, path, headers=headers, **request)

    # --- carts ---------------------------------------------------------------------
    def create(self, **kw: Any) -> Response:
        return self.send("create_cart", "POST", "carts", **kw)

    def cart(self, cart_id: str, **kw: Any) -> Response:
        return self.send(
            "get_cart", "GET", f"carts/{cart_id}", key=False, route={"cartId": cart_id}, **kw
        )

    def add(self, cart_id: str, sku: str, quantity: int = 1, **kw: Any) -> Response:
        body = {"sku": sku, "quantity": quantity}
        return self.send(
            "add_cart_line",
            "POST",
            f"carts/{cart_id}/lines",
            body=body,
            route={"cartId": cart_id},
            **kw,
        )

    def set(self, cart_id: str, sku: str, quantity: int, **kw: Any) -> Response:
        route = {"cartId": cart_id, "sku": sku}
        body = {"quantity": quantity}
        return self.send(
            "set_cart_line", "PATCH", f"carts/{cart_id}/lines/{sku}", body=body, route=route, **kw
        )

    def remove(self, cart_id: str, sku: str, **kw: Any) -> Response:
        route = {"cartId": cart_id, "sku": sku}
        return self.send(
            "remove_cart_line", "DELETE", f"carts/{cart_id}/lines/{sku}", route=route, **kw
        )

    # --- checkout ------------------------------------------------------------------
    def destination(
        self, cart_id: str, address: dict[str, Any] | None = None, **kw: Any
    ) -> Response:
        return self.send(
            "set_destination",
            "PUT",
            f"carts/{cart_id}/checkout/destination",
            body=address or ADDRESS,
            route={"cartId": cart_id},
            **kw,
        )

    def delivery(self, cart_id: str, option: str = GROUND, **kw: Any) -> Response:
        return self.send(
            "choose_delivery",
            "PUT",
            f"carts/{cart_id}/checkout/delivery",
            body={"optionId": option},
            route={"cartId": cart_id},
            **kw,
        )

    def pay(self, cart_id: str, number: str = VISA, **kw: Any) -> Response:
        card = {"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}
        return self.send(
            "set_payment",
            "PUT",
            f"carts/{cart_id}/checkout/payment",
            body={"card": card},
            route={"cartId": cart_id},
            **kw,
        )

    def place(self, cart_id: str, **kw: Any) -> Response:
        return self.send(
            "place_order",
            "POST",
            f"carts/{cart_id}/order",
            key=False,
            route={"cartId": cart_id},
            **kw,
        )

    def ready(self, cart_id: str, *lines: tuple[str, int], card: str = VISA) -> Response:
        """Lines added, destination, next-day delivery, a card: the answer of the last."""
        for sku, quantity in lines:
            assert self.add(cart_id, sku, quantity).status == 200
        assert self.destination(cart_id).status == 200
        held = self.delivery(cart_id)
        assert held.status == 200, held.json
        return self.pay(cart_id, card)

    def new_cart(self) -> str:
        created = self.create()
        assert created.status == 201, created.json
        return str(created.json["cartId"])

    # --- orders --------------------------------------------------------------------
    def order(self, order_id: str) -> Response:
        return self.send(
            "get_order", "GET", f"orders/{order_id}", key=False, route={"orderId": order_id}
        )

    def orders(self) -> Response:
        return self.send("list_orders", "GET", "orders", key=False)

    def cancel(self, order_id: str) -> Response:
        return self.send(
            "cancel_order",
            "POST",
            f"orders/{order_id}/cancel",
            key=False,
            route={"orderId": order_id},
        )


def visitor(visitor_id: str = VISITOR) -> Shopper:
    return Shopper(visitor=visitor_id)


def customer(token: str = ALICE, visitor_id: str | None = None) -> Shopper:
    return Shopper(visitor=visitor_id, token=token)


def on_hand(reg: Registry, sku: str, node: str = "DC-NJ") -> tuple[int, int]:
    record = reg.inventory().supply.get_supply(sku, node)
    return record.quantity, record.reserved


def checkout_over(reg: Registry, before: Callable[[Call], None]) -> tuple[CheckoutService, CallLog]:
    """A second checkout, built by the composition root like the first, whose store and
    gateway calls go through ``before`` first: a racing client, or a process dying at an
    exact point. It shares the registry's store, cache, bus, clock and gateway."""
    log = CallLog(before=before)
    other = Registry(reg.settings)
    other.override(
        documents=CountedStore(reg.documents(), log),
        cache=reg.cache(),
        events=reg.events(),
        clock=reg.clock(),
        payments=Counted(reg.payments(), "payments", log=log),
    )
    return other.checkout(), log


def raw(reg: Registry, container: str) -> list[dict[str, Any]]:
    """Every document of a checkout container as the store holds it."""
    partition = {"carts": CART_PARTITION, "orders": ORDER_PARTITION}[container]
    return reg.documents().container(ContainerSpec(container, partition)).query(Query())


def feed_orders(reg: Registry) -> None:
    """The orders change-feed trigger, given every order document."""
    docs = raw(reg, "orders")
    function("checkout_order_feed")(func.DocumentList([func.Document.from_dict(d) for d in docs]))


def repair() -> None:
    function("checkout_repair_orders")(None)
