"""Carts: create, read, add, change and remove lines, and merge at sign-in.

A line is priced from the catalog when it is added (in the cart's currency); a SKU the
catalog does not know, does not sell or has no price for is refused, and so is more than
the network can still promise. Changing the lines of a cart in checkout drops its
delivery choice and hold (the options were for other lines): the shopper chooses again.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.checkout.cartstore import CartAnswer, CartStore, Change, Write
from shared.checkout.model import MAX_LINES, MAX_QUANTITY, CartLine, CartStatus, CartView, Shopper
from shared.checkout.ports import Catalog, CatalogItem, Stock
from shared.checkout.requests import AddLine, SetQuantity
from shared.checkout.rules import (
    derived_id,
    fingerprint,
    hold_lines,
    merged,
    owner_of,
    remember,
    with_added,
    with_quantity,
    without,
)
from shared.checkout.stored import StoredCart
from shared.checkout.views import hold_live
from shared.errors import Conflict, NotFound, RuleViolation
from shared.ports import Clock
from shared.preconditions import IfMatch

MERGES_KEPT = 20


class Carts:
    def __init__(self, store: CartStore, catalog: Catalog, stock: Stock, clock: Clock) -> None:
        self._store = store
        self._repo = store.repo
        self._catalog = catalog
        self._stock = stock
        self._clock = clock
        self._options = store.options

    # --- reads -------------------------------------------------------------------------
    def get(self, cart_id: str, shopper: Shopper) -> CartView:
        found = self._store.touch(self._store.owned(cart_id, shopper))
        return self._store.render(found.model)

    def current(self, shopper: Shopper) -> CartView:
        """The shopper's most recent open cart (a customer on a new device)."""
        found = self._repo.open_cart_of(owner_of(shopper))
        if found is None:
            raise NotFound("this shopper has no open cart", code="CART_NOT_FOUND")
        return self.get(found.model.cart_id, shopper)

    # --- writes ------------------------------------------------------------------------
    def create(self, shopper: Shopper, key: str) -> CartAnswer:
        """Idempotent by key: the cart's id derives from the shopper and the key."""
        owner = owner_of(shopper)
        cart_id = derived_id(owner.kind.value, owner.id, key)
        now = self._clock.now()
        fresh = StoredCart(
            id=cart_id,
            cart_id=cart_id,
            owner=owner,
            status=CartStatus.OPEN,
            enterprise_code=self._options.enterprise,
            currency=self._options.currency,
            applied=remember((), key, fingerprint("create")),
            version=1,
            ttl=self._options.cart_ttl,
            created_at=now,
            updated_at=now,
        )
        try:
            created = self._repo.create_cart(fresh)
        except Conflict:
            return CartAnswer(self._store.render(self._store.owned(cart_id, shopper).model), False)
        return CartAnswer(self._store.render(created.model), True)

    def add_line(
        self,
        cart_id: str,
        shopper: Shopper,
        body: AddLine,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        item = self.sellable(body.sku)
        available = self._stock.available(self._options.enterprise, [body.sku]).get(body.sku)

        def change(cart: StoredCart) -> StoredCart:
            have = next((ln.quantity for ln in cart.lines if ln.sku == body.sku), None)
            total = (have or 0) + body.quantity
            if have is None and len(cart.lines) >= MAX_LINES:
                raise RuleViolation(f"a cart holds at most {MAX_LINES} lines", code="CART_FULL")
            _within_limit(body.sku, total)
            _enough(body.sku, total, self._plus_held(cart, body.sku, available))
            return relined(cart, with_added(cart.lines, item, body.quantity))

        return self._write(cart_id, shopper, write, if_match, change)

    def set_quantity(
        self,
        cart_id: str,
        shopper: Shopper,
        sku: str,
        body: SetQuantity,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        available = self._stock.available(self._options.enterprise, [sku]).get(sku)

        def change(cart: StoredCart) -> StoredCart:
            line = _line(cart, sku)
            if body.quantity > line.quantity:
                _enough(sku, body.quantity, self._plus_held(cart, sku, available))
            return relined(cart, with_quantity(cart.lines, sku, body.quantity))

        return self._write(cart_id, shopper, write, if_match, change)

    def remove_line(
        self,
        cart_id: str,
        shopper: Shopper,
        sku: str,
        *,
        write: Write,
        if_match: IfMatch | None = None,
    ) -> CartAnswer:
        def change(cart: StoredCart) -> StoredCart:
            _line(cart, sku)
            return relined(cart, without(cart.lines, sku))

        return self._write(cart_id, shopper, write, if_match, change)

    def merge(
        self, anonymous_id: str, visitor: Shopper, customer: Shopper, write: Write
    ) -> CartAnswer:
        """The visitor's cart into the customer's open cart (made if there is none):
        quantities added and capped by availability, one line per SKU, the visitor's cart
        closed as MERGED. Safe to repeat, under any key: the customer's cart records the
        carts merged into it, and the visitor's cart is closed after."""
        source = self._store.owned(anonymous_id, visitor).model
        if source.status is CartStatus.MERGED and source.merged_into is not None:
            into = self._store.owned(source.merged_into, customer)
            return CartAnswer(self._store.render(into.model), False)
        if source.status is not CartStatus.OPEN:
            raise Conflict("an ordered cart cannot be merged", code="CART_CLOSED")
        target = self._repo.open_cart_of(owner_of(customer))
        target_id = (
            target.model.cart_id
            if target
            else self.create(customer, f"merge:{anonymous_id}").cart.cart_id
        )
        skus = [line.sku for line in source.lines]
        found = self._stock.available(source.enterprise_code, skus) if skus else {}
        available = {sku: self._plus_held(source, sku, units) for sku, units in found.items()}

        def change(cart: StoredCart) -> StoredCart:
            if anonymous_id in cart.merged_from:
                return cart
            return relined(cart, merged(cart.lines, source.lines, available)).with_changes(
                merged_from=(*cart.merged_from, anonymous_id)[-MERGES_KEPT:]
            )

        answer = self._write(target_id, customer, write, None, change)
        self._close_merged(anonymous_id, visitor, target_id)
        return answer

    def _plus_held(self, cart: StoredCart, sku: str, available: int | None) -> int | None:
        """What the network can promise this cart: its own live hold's units count, as
        the write that changes the lines gives them back."""
        co = cart.checkout
        if available is None or co is None or co.choice is None:
            return available
        if not hold_live(co.hold, self._clock.time()):
            return available
        return available + sum(h.quantity for h in hold_lines(co.choice) if h.sku == sku)

    def _close_merged(self, cart_id: str, visitor: Shopper, into: str) -> None:
        def close(cart: StoredCart) -> StoredCart:
            return cart.with_changes(status=CartStatus.MERGED, merged_into=into, checkout=None)

        found = self._store.owned(cart_id, visitor)
        if found.model.status is CartStatus.OPEN:
            self._store.write(cart_id, visitor, None, None, close)

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

    def sellable(self, sku: str) -> CatalogItem:
        return sellable(
            self._catalog.items([sku], self._options.currency), sku, self._options.currency
        )


def sellable(items: Mapping[str, CatalogItem], sku: str, currency: str) -> CatalogItem:
    item = items.get(sku)
    if item is None:
        raise RuleViolation(f"unknown SKU {sku!r}", code="UNKNOWN_SKU", details={"sku": sku})
    if not item.sellable:
        raise RuleViolation(f"{sku} is not sold", code="NOT_SOLD", details={"sku": sku})
    if item.price is None:
        raise RuleViolation(
            f"{sku} has no price in {currency}",
            code="NO_PRICE",
            details={"sku": sku, "currency": currency},
        )
    return item


def relined(cart: StoredCart, lines: tuple[CartLine, ...]) -> StoredCart:
    """New lines: a checkout keeps its destination and card, loses its choice and hold."""
    co = cart.checkout
    if co is None or lines == cart.lines:
        return cart.with_changes(lines=lines)
    reset = co.model_copy(
        update={"options": (), "unavailable_skus": (), "choice": None, "hold": None}
    )
    return cart.with_changes(lines=lines, checkout=reset)


def _line(cart: StoredCart, sku: str) -> CartLine:
    found = next((line for line in cart.lines if line.sku == sku), None)
    if found is None:
        raise NotFound(f"the cart has no line for {sku!r}", code="LINE_NOT_FOUND")
    return found


def _within_limit(sku: str, quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise RuleViolation(
            f"a cart holds at most {MAX_QUANTITY} of {sku}",
            code="QUANTITY_LIMIT",
            details={"sku": sku, "max": MAX_QUANTITY},
        )


def _enough(sku: str, quantity: int, available: int | None) -> None:
    if available is not None and quantity > available:
        raise Conflict(
            f"not enough stock of {sku}: {quantity} asked, {available} left",
            code="INSUFFICIENT_STOCK",
            details={"lines": [{"sku": sku, "requested": quantity, "available": available}]},
        )
