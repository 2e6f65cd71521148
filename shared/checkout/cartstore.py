"""The one way a cart is written, and the way it is answered.

Every write reads the cart, checks it is the caller's (another shopper's cart is a 404:
it never says it exists), replays an idempotency key it applied already (the current
cart, marked replayed), checks ``If-Match``, decides the change on what it read and
replaces over that version. A lost race re-reads and decides again, so two shoppers'
adds (two tabs of one) never lose a line. The write raises the version, remembers the
key (the last ``APPLIED_KEYS``) and resets the cart's Cosmos ``ttl``. A hold the change
dropped is released after the write; a hold it kept is extended while the shopper is
active. Answers carry live warnings from the catalog and inventory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from shared.checkout.model import CartStatus, CartView, Shopper
from shared.checkout.ports import Catalog, Stock
from shared.checkout.repository import CheckoutRepository
from shared.checkout.rules import applied, extended_until, owner_of, remember
from shared.checkout.stored import StoredCart
from shared.checkout.views import at, cart_view, hold_live
from shared.errors import Conflict, DomainError, NotFound, RuleViolation, Unavailable
from shared.ports import Clock
from shared.preconditions import IfMatch, check_if_match
from shared.stored import Stored

log = logging.getLogger("shared.checkout")

MAX_RACE_RETRIES = 20
"""Re-reads of a cart after losing a race; only pathological contention reaches it."""


@dataclass(frozen=True)
class CheckoutOptions:
    """Checkout's settings. No defaults here: each lives once, in ``Settings``."""

    enterprise: str
    currency: str
    cart_ttl: int
    hold_seconds: int
    hold_max_seconds: int
    pending_timeout: int
    hub: str
    service_id: str


@dataclass(frozen=True)
class Write:
    """A client's write: its ``Idempotency-Key`` and the request's fingerprint."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class CartAnswer:
    cart: CartView
    fresh: bool
    """``False``: the key was applied before; this is the current cart, replayed."""


Change = Callable[[StoredCart], StoredCart]


class CartStore:
    def __init__(
        self,
        repo: CheckoutRepository,
        catalog: Catalog,
        stock: Stock,
        clock: Clock,
        options: CheckoutOptions,
    ) -> None:
        self.repo = repo
        self._catalog = catalog
        self._stock = stock
        self._clock = clock
        self.options = options

    def owned(self, cart_id: str, shopper: Shopper) -> Stored[StoredCart]:
        found = self.repo.read_cart(cart_id)
        if found is None or found.model.owner != owner_of(shopper):
            raise NotFound(f"cart {cart_id!r} does not exist", code="CART_NOT_FOUND")
        return found

    def write(
        self,
        cart_id: str,
        shopper: Shopper,
        write: Write | None,
        if_match: IfMatch | None,
        change: Change,
    ) -> tuple[Stored[StoredCart], bool]:
        """The cart after ``change`` and ``True``, or the current cart and ``False`` for
        a key applied before (the same key with another request is a 422)."""
        for _ in range(MAX_RACE_RETRIES):
            found = self.owned(cart_id, shopper)
            cart = found.model
            seen = applied(cart.applied, write.key) if write else None
            if write is not None and seen is not None:
                if seen.fingerprint != write.fingerprint:
                    raise RuleViolation(
                        "this Idempotency-Key was used for another request",
                        code="IDEMPOTENCY_KEY_REUSED",
                    )
                return found, False
            check_if_match(if_match, cart.version, "the cart")
            done = self.commit(found, change(self._writable(cart)), write)
            if done is not None:
                return done, True
        raise Unavailable("the cart is too contended; retry", code="CART_CONTENDED")

    def _writable(self, cart: StoredCart) -> StoredCart:
        """The cart a change may start from: open, and not being placed. A placement
        whose order is gone (refused, undone) no longer locks it."""
        if cart.status is not CartStatus.OPEN:
            raise Conflict(
                f"the cart is {cart.status.value.lower()}",
                code="CART_CLOSED",
                details={
                    "status": cart.status,
                    "orderId": cart.order_id,
                    "mergedInto": cart.merged_into,
                },
            )
        co = cart.checkout
        if co is None or co.placing is None:
            return cart
        if self.repo.read_order(co.placing) is not None:
            raise Conflict(
                "the order of this cart is being placed",
                code="ORDER_IN_PROGRESS",
                details={"orderId": co.placing},
            )
        return cart.with_changes(checkout=co.model_copy(update={"placing": None}))

    def commit(
        self, found: Stored[StoredCart], new: StoredCart, write: Write | None
    ) -> Stored[StoredCart] | None:
        """``new`` over the version read, stamped; ``None`` when another writer came first."""
        old = found.model
        keys = remember(old.applied, write.key, write.fingerprint) if write else old.applied
        stamped = self._kept_alive(old, new).with_changes(
            applied=keys,
            version=old.version + 1,
            updated_at=self._clock.now(),
            ttl=self.options.cart_ttl,
        )
        done = self.repo.replace_cart(found, stamped)
        if done is not None:
            self._release_dropped(old, done.model)
        return done

    def touch(self, found: Stored[StoredCart]) -> Stored[StoredCart]:
        """A read by its shopper is activity: extend a hold that is due (one write at
        most every half hold), else answer the cart as it is."""
        cart = found.model
        kept = self._kept_alive(cart, cart)
        if kept is cart or cart.status is not CartStatus.OPEN:
            return found
        return self.commit(found, kept, None) or found

    def _kept_alive(self, old: StoredCart, new: StoredCart) -> StoredCart:
        """``new`` with its hold extended when it is the old cart's hold and due (an open
        cart not being placed: a placement confirms the hold, nothing may move it)."""
        hold = new.checkout.hold if new.checkout else None
        before = old.checkout.hold if old.checkout else None
        now = self._clock.time()
        if (
            new.status is not CartStatus.OPEN
            or hold is None
            or before is None
            or hold.reservation_id != before.reservation_id
            or (new.checkout is not None and new.checkout.placing is not None)
        ):
            return new
        until = extended_until(
            now,
            hold.started_at.timestamp(),
            hold.expires_at.timestamp(),
            hold_seconds=self.options.hold_seconds,
            max_seconds=self.options.hold_max_seconds,
        )
        if until is None:
            return new
        expires = self._stock.extend(hold.reservation_id, at(until)) or at(now)
        assert new.checkout is not None
        checkout = new.checkout.model_copy(
            update={"hold": hold.model_copy(update={"expires_at": expires})}
        )
        return new.with_changes(checkout=checkout)

    def _release_dropped(self, old: StoredCart, new: StoredCart) -> None:
        """A hold the write replaced or dropped goes back at once; should that fail, it
        expires by rule."""
        before = old.checkout.hold if old.checkout else None
        after = new.checkout.hold if new.checkout else None
        if before is None or (after is not None and after.reservation_id == before.reservation_id):
            return
        try:
            self._stock.release(before.reservation_id)
        except DomainError as exc:
            log.warning("hold %s left to expire: %s", before.reservation_id, exc.message)

    def render(self, cart: StoredCart) -> CartView:
        """The cart with live warnings: one catalog and one availability batch read."""
        skus = [line.sku for line in cart.lines]
        now = self._clock.time()
        if cart.status is not CartStatus.OPEN or not skus:
            return cart_view(cart, {}, {}, now)
        items = self._catalog.items(skus, cart.currency)
        held = hold_live(cart.checkout.hold if cart.checkout else None, now)
        available = {} if held else self._stock.available(cart.enterprise_code, skus)
        return cart_view(cart, items, available, now)
