"""Checkout's steps on a cart: destination, delivery choice (and its stock hold), card.

- The destination asks sourcing for delivery options for the whole cart (each with its
  charge) and starts the checkout (its id is the order's).
- Choosing an option asks sourcing again (stock moves) and holds every line at the
  nodes of the option's shipments, for ``hold_seconds``; the answer shows the expiry. A
  hold that loses its race is planned again on fresh options (up to ``PLAN_ATTEMPTS``),
  so stock left at another node still serves the same option; a line still short (or
  one sourcing cannot deliver at all) is a 409 ``INSUFFICIENT_STOCK`` naming it. Every
  later step, and every read by its shopper, extends the hold.
- The card is turned into the gateway's token; only the token, brand and last four
  digits are kept.
"""

from __future__ import annotations

import logging

from shared.checkout.cartstore import CartAnswer, CartStore, Change, Write
from shared.checkout.model import Address, DeliveryOption, Shopper
from shared.checkout.ports import Delivery, HoldOutcome, Quote, Shortage, Stock
from shared.checkout.requests import ChooseDelivery, PayWith
from shared.checkout.rules import covers, derived_id, hold_lines, totals
from shared.checkout.stored import StoredCard, StoredCart, StoredCheckout, StoredHold
from shared.checkout.views import hold_live
from shared.errors import Conflict, DomainError
from shared.payments import CardDetails, PaymentGateway
from shared.ports import Clock
from shared.preconditions import IfMatch

log = logging.getLogger("shared.checkout")

PLAN_ATTEMPTS = 3


class CheckoutSteps:
    def __init__(
        self,
        store: CartStore,
        delivery: Delivery,
        stock: Stock,
        payments: PaymentGateway,
        clock: Clock,
    ) -> None:
        self._store = store
        self._delivery = delivery
        self._stock = stock
        self._payments = payments
        self._clock = clock
        self._options = store.options

    def set_destination(
        self,
        cart_id: str,
        shopper: Shopper,
        address: Address,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        """A new destination drops the choice and hold made for the old one."""

        def change(cart: StoredCart) -> StoredCart:
            if not cart.lines:
                raise Conflict("an empty cart cannot be checked out", code="CART_EMPTY")
            quote = self._quote(cart, address)
            co = cart.checkout or StoredCheckout(checkout_id=derived_id(cart.cart_id, write.key))
            started = co.model_copy(
                update={
                    "destination": Address.model_validate(address.model_dump()),
                    "options": quote.options,
                    "unavailable_skus": quote.unavailable_skus,
                    "choice": None,
                    "hold": None,
                }
            )
            return cart.with_changes(checkout=started)

        return self._write(cart_id, shopper, write, if_match, change)

    def choose_delivery(
        self,
        cart_id: str,
        shopper: Shopper,
        body: ChooseDelivery,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        held: list[str] = []

        def change(cart: StoredCart) -> StoredCart:
            co = _started(cart)
            current = co.hold
            if (
                current is not None
                and current.option_id == body.option_id
                and hold_live(current, self._clock.time())
                and co.choice is not None
                and covers(co.choice, cart.lines)
            ):
                return cart
            assert co.destination is not None
            for attempt in range(PLAN_ATTEMPTS):
                quote = self._quote(cart, co.destination)
                if quote.unavailable_skus:
                    raise _short(self._missing(cart, quote.unavailable_skus))
                option = _offered(quote, body.option_id)
                rid = (
                    f"c{cart.cart_id[:20]}-"
                    + derived_id(cart.cart_id, write.key, str(cart.version), str(attempt))[:16]
                )
                outcome = self._hold(rid, cart, option)
                if outcome.expires_at is not None:
                    held.append(rid)
                    break
            else:
                raise _short(outcome)
            hold = StoredHold(
                reservation_id=rid,
                option_id=option.option_id,
                started_at=self._clock.now(),
                expires_at=outcome.expires_at,
            )
            update = {
                "options": quote.options,
                "unavailable_skus": quote.unavailable_skus,
                "choice": option,
                "hold": hold,
            }
            return cart.with_changes(checkout=co.model_copy(update=update))

        kept: str | None = None
        try:
            answer = self._write(cart_id, shopper, write, if_match, change)
            kept = self._hold_of(cart_id, shopper)
            return answer
        finally:
            for rid in held:
                if rid != kept:
                    self._release(rid)

    def pay(
        self,
        cart_id: str,
        shopper: Shopper,
        body: PayWith,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        card = body.card

        def change(cart: StoredCart) -> StoredCart:
            co = _started(cart)
            method = self._payments.tokenize(
                CardDetails(
                    number=card.number.get_secret_value(),
                    exp_month=card.exp_month,
                    exp_year=card.exp_year,
                    cvc=card.cvc.get_secret_value(),
                )
            )
            stored = StoredCard(
                token=method.token,
                brand=method.brand,
                last4=method.last4,
                exp_month=method.exp_month,
                exp_year=method.exp_year,
            )
            return cart.with_changes(checkout=co.model_copy(update={"payment": stored}))

        return self._write(cart_id, shopper, write, if_match, change)

    # --- parts -------------------------------------------------------------------------
    def _quote(self, cart: StoredCart, destination: Address) -> Quote:
        lines = [(line.sku, line.quantity) for line in cart.lines]
        subtotal = totals(cart.lines, None, cart.currency).subtotal
        return self._delivery.quote(cart.enterprise_code, destination, lines, subtotal)

    def _hold(self, rid: str, cart: StoredCart, option: DeliveryOption) -> HoldOutcome:
        return self._stock.hold(
            rid, cart.enterprise_code, hold_lines(option), self._options.hold_seconds
        )

    def _missing(self, cart: StoredCart, skus: tuple[str, ...]) -> HoldOutcome:
        """What sourcing cannot deliver, named with what the network still has."""
        left = self._stock.available(cart.enterprise_code, list(skus))
        asked = {line.sku: line.quantity for line in cart.lines}
        return HoldOutcome(
            None, tuple(Shortage(sku, asked.get(sku, 0), left.get(sku) or 0) for sku in skus)
        )

    def _hold_of(self, cart_id: str, shopper: Shopper) -> str | None:
        co = self._store.owned(cart_id, shopper).model.checkout
        return co.hold.reservation_id if co and co.hold else None

    def _release(self, rid: str) -> None:
        try:
            self._stock.release(rid)
        except DomainError as exc:
            log.warning("hold %s left to expire: %s", rid, exc.message)

    def _write(
        self,
        cart_id: str,
        shopper: Shopper,
        write: Write,
        if_match: IfMatch | None,
        change: Change,
    ) -> CartAnswer:
        found, fresh = self._store.write(cart_id, shopper, write, if_match, change)
        return CartAnswer(self._store.render(found.model), fresh)


def _started(cart: StoredCart) -> StoredCheckout:
    co = cart.checkout
    if co is None or co.destination is None:
        raise Conflict(
            "set the destination first (PUT .../checkout/destination)",
            code="CHECKOUT_NOT_STARTED",
        )
    return co


def _offered(quote: Quote, option_id: str) -> DeliveryOption:
    option = next((o for o in quote.options if o.option_id == option_id), None)
    if option is None:
        raise Conflict(
            f"delivery option {option_id!r} is not offered for this cart now",
            code="OPTION_UNAVAILABLE",
            details={
                "optionId": option_id,
                "offered": [o.option_id for o in quote.options],
                "unavailableSkus": list(quote.unavailable_skus),
            },
        )
    return option


def _short(outcome: HoldOutcome) -> Conflict:
    named = ", ".join(f"{s.sku} ({s.requested} asked, {s.available} left)" for s in outcome.short)
    return Conflict(
        f"not enough stock to hold: {named}",
        code="INSUFFICIENT_STOCK",
        details={
            "lines": [
                {"sku": s.sku, "requested": s.requested, "available": s.available}
                for s in outcome.short
            ]
        },
    )
