"""Orders after placement: read by their shopper or ``Order.Admin``, listed for a
customer, cancelled before shipment.

Cancelling is a saga on the order document too: PLACED -> CANCELLING (who asked, and a
lease) -> the stock given back (inventory's restock of the confirmed hold: exactly once,
audited) -> the payment refunded (key ``<orderId>:refund``) -> CANCELLED. Each step is
idempotent; a cancellation that stopped midway is resumed by a repeat or by the repair
timer once its lease runs out. No order ships in this code base yet, so every PLACED
order is before shipment; a shipping context would refuse from its first shipment on.
"""

from __future__ import annotations

import logging

from shared.checkout.model import Order, OrderStatus, Shopper
from shared.checkout.ports import Stock
from shared.checkout.repository import CheckoutRepository
from shared.checkout.rules import owner_of
from shared.checkout.stored import StoredOrder
from shared.errors import Conflict, DomainError, NotFound
from shared.payments import PaymentGateway
from shared.ports import Clock
from shared.stored import Stored

log = logging.getLogger("shared.checkout")

LIST_LIMIT = 50
REPAIR_PAGE = 100


class Orders:
    def __init__(
        self,
        repo: CheckoutRepository,
        stock: Stock,
        payments: PaymentGateway,
        clock: Clock,
        *,
        pending_timeout: int,
    ) -> None:
        self._repo = repo
        self._stock = stock
        self._payments = payments
        self._clock = clock
        self._pending_timeout = pending_timeout

    def get(self, order_id: str, shopper: Shopper | None, *, admin: bool = False) -> Order:
        return self._readable(order_id, shopper, admin).model.view()

    def list_mine(self, customer: Shopper, limit: int = LIST_LIMIT) -> list[Order]:
        return [o.view() for o in self._repo.orders_of(owner_of(customer), limit)]

    def cancel(
        self, order_id: str, shopper: Shopper | None, actor: str, *, admin: bool = False
    ) -> Order:
        """Idempotent: a cancelled order answers as it is."""
        found = self._readable(order_id, shopper, admin)
        while True:
            order = found.model
            if order.status is OrderStatus.CANCELLED:
                return order.view()
            if order.status is OrderStatus.PENDING:
                raise Conflict("this order is still being placed; retry", code="ORDER_IN_PROGRESS")
            if order.status is OrderStatus.PLACED:
                moved = self._repo.replace_order(
                    found,
                    status=OrderStatus.CANCELLING,
                    cancelled_by=actor,
                    lease_until=self._clock.time() + self._pending_timeout,
                )
                found = moved or self._read(order_id)
                continue
            return self._finish(found).model.view()

    def _finish(self, found: Stored[StoredOrder]) -> Stored[StoredOrder]:
        """The steps of a CANCELLING order, each safe to repeat."""
        order = found.model
        self._stock.restock(
            order.reservation_id,
            order.cancelled_by or "unknown",
            f"order {order.order_number} cancelled",
        )
        pay = order.payment
        if pay.authorization_id is not None and pay.status == "CAPTURED":
            self._payments.refund(
                f"{order.order_id}:refund", pay.authorization_id, pay.amount.amount
            )
        elif pay.authorization_id is not None and pay.status == "AUTHORIZED":
            self._payments.void(f"{order.order_id}:void", pay.authorization_id)
        final = "REFUNDED" if pay.status == "CAPTURED" else "VOIDED"
        done = self._repo.replace_order(
            found,
            status=OrderStatus.CANCELLED,
            payment=pay.model_copy(update={"status": final}),
            cancelled_at=self._clock.now(),
            lease_until=0.0,
        )
        return done or self._read(order.order_id)

    def repair_due(self) -> dict[str, int]:
        """Finish cancellations whose lease ran out."""
        finished = 0
        for found in self._repo.unfinished(self._clock.time(), REPAIR_PAGE):
            if found.model.status is not OrderStatus.CANCELLING:
                continue
            try:
                self._finish(found)
                finished += 1
            except DomainError as exc:
                log.warning("cancellation of %s not finished: %s", found.model.order_id, exc.code)
        return {"cancelled": finished}

    def _readable(self, order_id: str, shopper: Shopper | None, admin: bool) -> Stored[StoredOrder]:
        """Another shopper's order is a 404: it never says it exists."""
        found = self._repo.read_order(order_id)
        if found is None or not (
            admin or (shopper is not None and found.model.owner == owner_of(shopper))
        ):
            raise NotFound(f"order {order_id!r} does not exist", code="ORDER_NOT_FOUND")
        return found

    def _read(self, order_id: str) -> Stored[StoredOrder]:
        found = self._repo.read_order(order_id)
        if found is None:
            raise NotFound(f"order {order_id!r} does not exist", code="ORDER_NOT_FOUND")
        return found
