"""Placing an order: a saga whose record is the order document, idempotent by checkout id.

Before anything is written the cart is checked: every step done, the hold live, every
price the catalog's (a price that moved is written into the line and the shopper is
asked again, 409 ``PRICE_CHANGED``). Then:

1. the cart is locked (``checkout.placing``: it takes no other write meanwhile);
2. the order is written PENDING, step AUTHORIZING, with a lease (``leaseUntil``);
3. the card is authorized (key ``<orderId>:<token>``) -> step CONFIRMING;
4. the hold is confirmed: the inventory deduction -> step CAPTURING;
5. the payment is captured (key ``<orderId>:capture``), the cart closed (ORDERED)
   -> status PLACED, the last write: until it, the order is PENDING and the repair
   timer finds it. ``OrderPlaced`` is published by the change feed.

Every step is idempotent, so whoever resumes an order (a repeat of the request, the
repair timer once the lease has run out) simply runs the steps left from the one
recorded. A declined card or a hold that expired undoes what was done (the
authorization voided, the order deleted, the cart unlocked): no order, and a declined
card keeps the hold for a retry until it expires. A gateway timeout leaves the order
PENDING with its lease given up, so a retry resumes it at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.checkout.cartstore import CartStore
from shared.checkout.drafts import draft_order, price_changed, ready
from shared.checkout.model import (
    CartStatus,
    Order,
    OrderStatus,
    PlacementStep,
    Shopper,
)
from shared.checkout.ports import Catalog, Stock
from shared.checkout.rules import repriced
from shared.checkout.stored import StoredCart, StoredCheckout, StoredOrder
from shared.errors import Conflict, DomainError, NotFound
from shared.payments import GatewayTimeout, PaymentDeclined, PaymentGateway
from shared.ports import Clock
from shared.preconditions import IfMatch, check_if_match
from shared.stored import Stored

log = logging.getLogger("shared.checkout")

REPAIR_PAGE = 100
MAX_SETTLE_RETRIES = 10


@dataclass(frozen=True)
class OrderAnswer:
    order: Order
    fresh: bool
    """``False``: this checkout was placed before; the order as it is now."""


class OrderPlacement:
    def __init__(
        self,
        store: CartStore,
        catalog: Catalog,
        stock: Stock,
        payments: PaymentGateway,
        clock: Clock,
    ) -> None:
        self._store = store
        self._repo = store.repo
        self._catalog = catalog
        self._stock = stock
        self._payments = payments
        self._clock = clock
        self._options = store.options

    def place(self, cart_id: str, shopper: Shopper, if_match: IfMatch | None = None) -> OrderAnswer:
        found = self._store.owned(cart_id, shopper)
        if found.model.status is CartStatus.ORDERED and found.model.order_id is not None:
            return OrderAnswer(self._order(found.model.order_id).model.view(), False)
        check_if_match(if_match, found.model.version, "the cart")
        found = self._store.touch(found)
        co = ready(found.model, self._clock.time())
        existing = self._repo.read_order(co.checkout_id)
        mine = existing is None
        if existing is None:
            self._check_prices(found)
            existing, mine = self._begin(found, co)
        elif existing.model.status is not OrderStatus.PENDING:
            self._close_cart(existing.model)
            return OrderAnswer(existing.model.view(), False)
        return OrderAnswer(self._resume(existing, mine=mine).model.view(), True)

    # --- before the saga ---------------------------------------------------------------
    def _check_prices(self, found: Stored[StoredCart]) -> None:
        cart = found.model
        items = self._catalog.items([line.sku for line in cart.lines], cart.currency)
        gone = [ln.sku for ln in cart.lines if (i := items.get(ln.sku)) is None or not i.sellable]
        if gone:
            raise Conflict(
                f"no longer sold: {', '.join(gone)}; remove them to place the order",
                code="LINE_UNAVAILABLE",
                details={"skus": gone},
            )
        lines, changes = repriced(cart.lines, items)
        if not changes:
            return
        self._store.commit(found, cart.with_changes(lines=lines), None)
        raise price_changed(changes)

    def _begin(
        self, found: Stored[StoredCart], co: StoredCheckout
    ) -> tuple[Stored[StoredOrder], bool]:
        """Lock the cart, then write the order (``True``: this request did, and holds its
        lease). A crash in between leaves a lock with no order, which the next write of
        the cart lifts."""
        order_id = co.checkout_id
        locked = co.model_copy(update={"placing": order_id})
        if self._store.commit(found, found.model.with_changes(checkout=locked), None) is None:
            raise Conflict(
                "the cart changed while the order was being placed; review it",
                code="CART_CHANGED",
            )
        try:
            order = draft_order(
                found.model,
                co,
                self._clock.now(),
                self._clock.time() + self._options.pending_timeout,
            )
            return self._repo.create_order(order), True
        except Conflict:
            return self._order(order_id), False

    # --- the saga ------------------------------------------------------------------------
    def _resume(self, found: Stored[StoredOrder], *, mine: bool) -> Stored[StoredOrder]:
        """Claim the lease unless this request holds it (it wrote the order), then run
        the steps left; a live lease of another request is a 409 to retry."""
        now = self._clock.time()
        if not mine:
            if found.model.lease_until > now:
                raise _in_progress(found.model.order_id)
            claimed = self._repo.replace_order(
                found, lease_until=now + self._options.pending_timeout
            )
            if claimed is None:
                raise _in_progress(found.model.order_id)
            found = claimed
        return self._advance(found)

    def _advance(self, found: Stored[StoredOrder]) -> Stored[StoredOrder]:
        while found.model.status is OrderStatus.PENDING:
            order = found.model
            pay = order.payment
            if order.step is PlacementStep.AUTHORIZING:
                try:
                    auth = self._payments.authorize(
                        f"{order.order_id}:{pay.token}",
                        pay.token,
                        pay.amount.amount,
                        pay.amount.currency,
                    )
                except PaymentDeclined:
                    self._undo(found)
                    raise
                except GatewayTimeout:
                    self._repo.replace_order(found, lease_until=0.0)
                    raise
                paid = pay.model_copy(
                    update={"status": "AUTHORIZED", "authorization_id": auth.authorization_id}
                )
                found = self._step(found, step=PlacementStep.CONFIRMING, payment=paid)
            elif order.step is PlacementStep.CONFIRMING:
                if not self._stock.confirm(order.reservation_id):
                    self._undo(found)
                    raise Conflict(
                        "the stock hold expired before the order was placed; choose the "
                        "delivery again",
                        code="HOLD_EXPIRED",
                    )
                found = self._step(found, step=PlacementStep.CAPTURING)
            else:
                assert pay.authorization_id is not None
                self._payments.capture(
                    f"{order.order_id}:capture", pay.authorization_id, pay.amount.amount
                )
                self._settle_cart(order, close=True)
                found = self._step(
                    found,
                    status=OrderStatus.PLACED,
                    step=None,
                    payment=pay.model_copy(update={"status": "CAPTURED"}),
                    placed_at=self._clock.now(),
                    lease_until=0.0,
                )
        return found

    def _step(self, found: Stored[StoredOrder], **changes: object) -> Stored[StoredOrder]:
        moved = self._repo.replace_order(found, **changes)
        if moved is None:
            raise _in_progress(found.model.order_id)
        return moved

    def _undo(self, found: Stored[StoredOrder]) -> None:
        """No order: void what was authorized, delete the order, unlock the cart. The
        hold is left as it is (kept for a retry, or already gone)."""
        order = found.model
        if order.payment.authorization_id is not None:
            self._payments.void(f"{order.order_id}:void", order.payment.authorization_id)
        self._repo.delete_order(found)
        self._unlock_cart(order)

    # --- the cart after ------------------------------------------------------------------
    def _close_cart(self, order: StoredOrder) -> None:
        if order.status is OrderStatus.PENDING:
            return
        self._settle_cart(order, close=True)

    def _unlock_cart(self, order: StoredOrder) -> None:
        self._settle_cart(order, close=False)

    def _settle_cart(self, order: StoredOrder, *, close: bool) -> None:
        """The cart of a placed order closes (its hold, now a sale, kept as the record);
        the cart of an undone one opens again. A raced writer re-reads; a cart already
        settled, on another checkout by now, or gone (its TTL) is left as it is."""
        for _ in range(MAX_SETTLE_RETRIES):
            found = self._repo.read_cart(order.cart_id)
            co = found.model.checkout if found else None
            if found is None or co is None or co.checkout_id != order.order_id:
                return
            cart = found.model
            unlocked = co.model_copy(update={"placing": None})
            if close:
                if cart.status is CartStatus.ORDERED:
                    return
                new = cart.with_changes(
                    status=CartStatus.ORDERED, order_id=order.order_id, checkout=unlocked
                )
            else:
                if co.placing != order.order_id:
                    return
                new = cart.with_changes(checkout=unlocked)
            if self._store.commit(found, new, None) is not None:
                return

    def _order(self, order_id: str) -> Stored[StoredOrder]:
        found = self._repo.read_order(order_id)
        if found is None:
            raise NotFound(f"order {order_id!r} does not exist", code="ORDER_NOT_FOUND")
        return found

    # --- repair ------------------------------------------------------------------------
    def repair_due(self) -> dict[str, int]:
        """Finish placements whose lease ran out (a crash, a timeout nobody retried):
        each is resumed from its recorded step, which places it, or undoes it (declined,
        hold gone), or leaves it for the next run (the gateway still not answering)."""
        placed = left = 0
        for found in self._repo.unfinished(self._clock.time(), REPAIR_PAGE):
            if found.model.status is not OrderStatus.PENDING:
                continue
            try:
                self._resume(found, mine=False)
                placed += 1
            except DomainError as exc:
                log.info("order %s not placed by repair: %s", found.model.order_id, exc.code)
                left += 1
        return {"placed": placed, "not_placed": left}


def _in_progress(order_id: str) -> Conflict:
    return Conflict(
        "this order is being placed by another request; retry",
        code="ORDER_IN_PROGRESS",
        details={"orderId": order_id},
    )
