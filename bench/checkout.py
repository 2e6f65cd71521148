"""Checkout figures the issue asks for, in process on the embedded store.

- add-to-cart p50/p99: one line added to a cart that already holds a few (a catalog
  lookup, an availability read, one etag replace), and its store round trips;
- place-order p50/p99: a ready checkout placed (price check, cart lock, the order
  written and moved through authorize, confirm, capture and PLACED, the cart closed),
  and its store round trips.

The cache is the in-process one and the payment gateway the sandbox, so the figures are
the code's own cost over SQLite, not a network's.

    .venv/bin/python -m bench.checkout
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from shared import bootstrap
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from shared.checkout.requests import AddLine, AddressInput, CardInput, ChooseDelivery, PayWith
from shared.checkout.service import CheckoutService, Write
from shared.inventory.model import SupplySpec
from tests.conftest import embedded_settings
from tests.counting import CallLog, CountedStore
from tests.functions.checkout_client import ADDRESS, GLOSS, GROUND, NUDE, RED, open_shop

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
SHOPPER = ShopperModel(kind=ShopperKind.VISITOR, id="bench-visitor-0123456789abcdef")
CARD = PayWith(
    card=CardInput.model_validate(
        {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
    )
)


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def counted(reg: Registry) -> tuple[CheckoutService, CallLog]:
    """A second checkout built by the composition root over a counted store."""
    log = CallLog()
    other = Registry(reg.settings)
    other.override(
        documents=CountedStore(reg.documents(), log),
        cache=reg.cache(),
        events=reg.events(),
        clock=reg.clock(),
        payments=reg.payments(),
    )
    return other.checkout(), log


def key(n: int, step: str) -> Write:
    return Write(key=f"{step}-{n}", fingerprint=f"{step}-{n}")


def ready_cart(svc: CheckoutService, n: int) -> str:
    cart = svc.carts.create(SHOPPER, f"cart-{n}").cart.cart_id
    for sku in (RED, NUDE):
        svc.carts.add_line(cart, SHOPPER, AddLine(sku=sku, quantity=1), write=key(n, sku))
    address = AddressInput.model_validate(ADDRESS)
    svc.steps.set_destination(cart, SHOPPER, address, write=key(n, "dest"))
    svc.steps.choose_delivery(cart, SHOPPER, ChooseDelivery(option_id=GROUND), write=key(n, "hold"))
    svc.steps.pay(cart, SHOPPER, CARD, write=key(n, "pay"))
    return cart


def bench_add(svc: CheckoutService, log: CallLog) -> None:
    samples: list[float] = []
    trips: list[int] = []
    for n in range(ROUNDS):
        cart = svc.carts.create(SHOPPER, f"cart-for-add-{n}").cart.cart_id
        svc.carts.add_line(cart, SHOPPER, AddLine(sku=RED, quantity=1), write=key(n, "first"))
        log.clear()
        start = time.perf_counter()
        svc.carts.add_line(cart, SHOPPER, AddLine(sku=GLOSS, quantity=1), write=key(n, "add"))
        samples.append((time.perf_counter() - start) * 1e3)
        trips.append(log.total)
    p50, p99 = percentiles(samples)
    print(
        f"  add to cart               p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
        f"store round trips {statistics.median(trips):.0f}"
    )


def bench_place(svc: CheckoutService, log: CallLog) -> None:
    samples: list[float] = []
    trips: list[int] = []
    for n in range(ROUNDS):
        cart = ready_cart(svc, n)
        log.clear()
        start = time.perf_counter()
        placed = svc.placement.place(cart, SHOPPER)
        samples.append((time.perf_counter() - start) * 1e3)
        trips.append(log.total)
        assert placed.order.status.value == "PLACED"
    p50, p99 = percentiles(samples)
    print(
        f"  place order               p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
        f"store round trips {statistics.median(trips):.0f}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        reg = Registry(embedded_settings(Path(tmp)))
        with bootstrap.use_registry(reg):
            open_shop(reg)
            for sku in (RED, NUDE, GLOSS):
                reg.inventory().supply.set_supply(
                    sku, "DC-NJ", SupplySpec(quantity=1_000_000), "bench"
                )
            svc, log = counted(reg)
            print(f"embedded store, {type(reg.cache()).__name__}, {ROUNDS} rounds:")
            bench_add(svc, log)
            bench_place(svc, log)


if __name__ == "__main__":
    main()
