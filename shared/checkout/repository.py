"""Carts and orders, over the DocumentStore port only, as stored models.

Every change to a cart or an order is one etag replace over the version read (or a
create that fails on an existing id), so two writers never both win: the loser re-reads
and decides again. The repository answers in models and keeps its containers to itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from shared.checkout.model import CartStatus, OrderStatus, Owner
from shared.checkout.stored import (
    CART,
    CART_PARTITION,
    ORDER,
    ORDER_PARTITION,
    OWNER,
    PublishedEvent,
    StoredCart,
    StoredOrder,
)
from shared.errors import NotFound, PreconditionFailed
from shared.ports import ContainerSpec, DocumentStore, Filter, PatchOp, Query
from shared.stored import Documents, FieldPath, Stored, to_json

LISTED = (OrderStatus.PLACED, OrderStatus.CANCELLING, OrderStatus.CANCELLED)
"""What a customer's order list shows: a PENDING order is not an order yet."""
UNFINISHED = (OrderStatus.PENDING, OrderStatus.CANCELLING)


@dataclass(frozen=True)
class ContainerNames:
    carts: str
    orders: str


class CheckoutRepository:
    def __init__(self, store: DocumentStore, names: ContainerNames) -> None:
        self._store = store
        self._names = names

    @cached_property
    def _carts(self) -> Documents[StoredCart]:
        spec = ContainerSpec(self._names.carts, CART_PARTITION)
        return Documents(self._store.container(spec), StoredCart)

    @cached_property
    def _orders(self) -> Documents[StoredOrder]:
        spec = ContainerSpec(self._names.orders, ORDER_PARTITION)
        return Documents(self._store.container(spec), StoredOrder)

    # --- carts -----------------------------------------------------------------------------
    def read_cart(self, cart_id: str) -> Stored[StoredCart] | None:
        return self._carts.get(cart_id, cart_id)

    def create_cart(self, cart: StoredCart) -> Stored[StoredCart]:
        """``Conflict`` when the id exists already."""
        return self._carts.create(cart)

    def replace_cart(
        self, current: Stored[StoredCart], cart: StoredCart
    ) -> Stored[StoredCart] | None:
        """``cart`` over the version read, or ``None`` when another writer came first."""
        return self._carts.try_replace(cart, if_match=current.etag)

    def open_cart_of(self, owner: Owner) -> Stored[StoredCart] | None:
        """The owner's most recently created open cart."""
        query = Query(
            filters=(
                *_owned_by(CART.owner, owner),
                Filter(CART.status, "=", CartStatus.OPEN.value),
            ),
            order_by=((CART.created_at, True),),
            limit=1,
        )
        found = self._carts.query(query)
        return found[0] if found else None

    # --- orders ----------------------------------------------------------------------------
    @property
    def orders_container(self) -> str:
        """The name the change-feed trigger watches."""
        return self._names.orders

    def read_order(self, order_id: str) -> Stored[StoredOrder] | None:
        return self._orders.get(order_id, order_id)

    def create_order(self, order: StoredOrder) -> Stored[StoredOrder]:
        """``Conflict`` when the id exists already."""
        return self._orders.create(order)

    def replace_order(
        self, current: Stored[StoredOrder], **changes: Any
    ) -> Stored[StoredOrder] | None:
        """The order with ``changes`` (Python names) and one more version, over the
        version read; ``None`` when another writer came first."""
        changed = current.model.with_changes(version=current.model.version + 1, **changes)
        return self._orders.try_replace(changed, if_match=current.etag)

    def delete_order(self, current: Stored[StoredOrder]) -> bool:
        """Only the version read; ``False`` when it moved or is gone."""
        order_id = current.model.order_id
        try:
            self._orders.delete(order_id, order_id, if_match=current.etag)
        except (NotFound, PreconditionFailed):
            return False
        return True

    def orders_of(self, owner: Owner, limit: int) -> list[StoredOrder]:
        """Newest first."""
        query = Query(
            filters=(
                *_owned_by(ORDER.owner, owner),
                Filter(ORDER.status, "in", [s.value for s in LISTED]),
            ),
            order_by=((ORDER.created_at, True),),
            limit=limit,
        )
        return [s.model for s in self._orders.query(query)]

    def unfinished(self, now: float, limit: int) -> list[Stored[StoredOrder]]:
        """Orders a placement or cancellation left midway whose lease has run out."""
        query = Query(
            filters=(
                Filter(ORDER.status, "in", [s.value for s in UNFINISHED]),
                Filter(ORDER.lease_until, "<=", now),
            ),
            order_by=((ORDER.lease_until, False),),
            limit=limit,
        )
        return self._orders.query(query)

    def mark_published(self, order_id: str, event_type: str, event: PublishedEvent) -> bool:
        """Record a published event once (the order shows it, so a new version);
        ``False`` when it was recorded already."""
        slot = ORDER.events / event_type
        found = self._orders.try_patch(
            order_id,
            order_id,
            [PatchOp("set", slot, to_json(event)), PatchOp("incr", ORDER.version, 1)],
            condition=(Filter(slot, "defined", False),),
        )
        return found is not None


def _owned_by(path: FieldPath, owner: Owner) -> tuple[Filter, Filter]:
    return (
        Filter(path / OWNER.kind, "=", owner.kind.value),
        Filter(path / OWNER.id, "=", owner.id),
    )
