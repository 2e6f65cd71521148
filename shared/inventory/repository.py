"""The inventory's documents, over the DocumentStore port only, as stored models.

Every change to a supply record is one conditional patch or one etag replace, so two
writers can never both spend the same unit. Each write adds one to ``version``. The
repository answers in models and keeps its containers to itself: the reservation book,
the change feed and the admin writes call its methods, never a container.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from shared.errors import Conflict, NotFound, Unavailable
from shared.inventory.model import Hold, ReservationStatus, ShipNode, SupplyRecord
from shared.inventory.rules import (
    LOCKED_EXP,
    expired_quantity,
    hold_key,
    raw_available,
    supply_id,
)
from shared.inventory.stored import (
    AUDIT,
    AUDIT_PARTITION,
    AVAILABLE_TERMS,
    HOLD,
    NODE,
    NODE_PARTITION,
    RESERVATION,
    RESERVATION_PARTITION,
    SUPPLY,
    SUPPLY_PARTITION,
    AuditChanges,
    StoredAudit,
    StoredNetworkStatus,
    StoredReservation,
    StoredShipNode,
    StoredSupply,
)
from shared.ports import Clock, ContainerSpec, Document, DocumentStore, Filter, PatchOp, Query
from shared.stored import Documents, FieldPath, Stored, to_json

log = logging.getLogger("shared.inventory")

MAX_RACE_RETRIES = 50
"""Etag retries before giving up with 503; only reached under pathological contention."""


@dataclass(frozen=True)
class ContainerNames:
    inventory: str
    ship_nodes: str
    reservations: str
    audit: str


class InventoryRepository:
    def __init__(self, store: DocumentStore, names: ContainerNames, clock: Clock) -> None:
        self._store = store
        self._names = names
        self._clock = clock

    # --- containers (each opened on first use) ---------------------------------------
    @cached_property
    def _supply(self) -> Documents[StoredSupply]:
        spec = ContainerSpec(self._names.inventory, SUPPLY_PARTITION)
        return Documents(self._store.container(spec), StoredSupply)

    @cached_property
    def _statuses(self) -> Documents[StoredNetworkStatus]:
        spec = ContainerSpec(self._names.inventory, SUPPLY_PARTITION)
        return Documents(self._store.container(spec), StoredNetworkStatus)

    @cached_property
    def _nodes(self) -> Documents[StoredShipNode]:
        spec = ContainerSpec(self._names.ship_nodes, NODE_PARTITION)
        return Documents(self._store.container(spec), StoredShipNode)

    @cached_property
    def _reservations(self) -> Documents[StoredReservation]:
        spec = ContainerSpec(self._names.reservations, RESERVATION_PARTITION)
        return Documents(self._store.container(spec), StoredReservation)

    @cached_property
    def _audit(self) -> Documents[StoredAudit]:
        spec = ContainerSpec(self._names.audit, AUDIT_PARTITION)
        return Documents(self._store.container(spec), StoredAudit)

    @property
    def supply_container(self) -> str:
        """The name the change-feed trigger watches."""
        return self._names.inventory

    def _stamp(self) -> tuple[PatchOp, PatchOp]:
        """What every supply write adds: one more version, and when."""
        return (
            PatchOp("incr", SUPPLY.version, 1),
            PatchOp("set", SUPPLY.modifyts, to_json(self._clock.now())),
        )

    # --- ship nodes --------------------------------------------------------------------
    def list_nodes(self, enterprise_code: str) -> list[ShipNode]:
        """A document that is not a ship node at all (no type, location or cutoff to go
        by) is left out with a warning: it can offer nothing, and failing here would
        fail every availability read, reservation and cart of the enterprise."""
        query = Query(order_by=((NODE.id, False),))
        return [
            s.model.view()
            for s in self._nodes.query(query, partition_key=enterprise_code, invalid=_skip_node)
        ]

    def find_node(
        self, ship_node: str, enterprise_code: str | None
    ) -> Stored[StoredShipNode] | None:
        if enterprise_code is not None:
            return self._nodes.get(ship_node, enterprise_code)
        found = self._nodes.query(Query(filters=(Filter(NODE.id, "=", ship_node),), limit=1))
        return found[0] if found else None

    def write_node(self, node: StoredShipNode, *, if_match: str | None) -> Stored[StoredShipNode]:
        """Create (``if_match=None``) or replace the version read at ``if_match``;
        ``Conflict`` or ``PreconditionFailed`` when another writer came first."""
        if if_match is None:
            return self._nodes.create(node)
        return self._nodes.replace(node, if_match=if_match)

    # --- supply records ------------------------------------------------------------------
    def read_supply(self, item_id: str, ship_node: str) -> Stored[StoredSupply] | None:
        return self._supply.get(supply_id(item_id, ship_node), item_id)

    def existing_supply(self, keys: Sequence[tuple[str, str]]) -> set[str]:
        """The ids among ``(itemId, shipNode)`` pairs that have a record, in one read."""
        found = self._supply.read_many([(supply_id(i, n), i) for i, n in keys])
        return {s.model.id for s in found}

    def records_for_items(self, item_ids: Sequence[str]) -> list[SupplyRecord]:
        """One partition query for one item, else one cross-partition ``in`` query."""
        if not item_ids:
            return []
        if len(item_ids) == 1:
            found = self._supply.query(partition_key=item_ids[0])
        else:
            found = self._supply.query(
                Query(filters=(Filter(SUPPLY.item_id, "in", list(item_ids)),))
            )
        # The stored records are records: no copy on the hot read path.
        return [s.model for s in found]

    def create_supply(self, record: StoredSupply) -> Stored[StoredSupply] | None:
        """The created record, or ``None`` when one exists already."""
        try:
            return self._supply.create(record)
        except Conflict:
            return None

    def new_supply(
        self, item_id: str, ship_node: str, enterprise_code: str, **fields: Any
    ) -> StoredSupply:
        """A first record (version 1, nothing reserved) for ``create_supply``."""
        return StoredSupply(
            id=supply_id(item_id, ship_node),
            item_id=item_id,
            ship_node=ship_node,
            enterprise_code=enterprise_code,
            version=1,
            modifyts=self._clock.now(),
            **fields,
        )

    def set_supply_fields(
        self, current: Stored[StoredSupply], fields: dict[str, Any]
    ) -> Stored[StoredSupply] | None:
        """Set fields (by Python name) over the version read; ``None`` if it moved."""
        r = current.model
        ops = [
            PatchOp("set", getattr(SUPPLY, name), to_json(value)) for name, value in fields.items()
        ]
        return self._supply.try_patch(
            r.id, r.item_id, [*ops, *self._stamp()], if_match=current.etag
        )

    def add_quantity(
        self, item_id: str, ship_node: str, delta: int, *, floor: bool
    ) -> Stored[StoredSupply] | None:
        """Add ``delta`` to on-hand; with ``floor``, only if it stays at or above zero
        (``None`` when it would not). ``NotFound`` when the record does not exist."""
        ops = [PatchOp("incr", SUPPLY.quantity, delta), *self._stamp()]
        cond = (Filter(SUPPLY.quantity, ">=", -delta),) if floor and delta < 0 else ()
        return self._supply.try_patch(supply_id(item_id, ship_node), item_id, ops, condition=cond)

    # --- holds -------------------------------------------------------------------------
    def hold(
        self, item_id: str, ship_node: str, reservation_id: str, qty: int, *, exp: float, now: float
    ) -> bool:
        """Hold ``qty`` units or nothing; safe to repeat for the same reservation.

        First a conditional patch on ``quantity - reserved - safetyStock >= qty``: one
        round trip, atomic in the store. Only when it fails do we read the record: the
        hold may exist already (a retry), the record may be infinite, or expired holds
        may be in the way, which an etag replace drops in the same write.
        """
        key = hold_key(reservation_id)
        entry = Hold(reservation_id=reservation_id, quantity=qty, exp=exp)
        slot = SUPPLY.holds / key
        ops = [
            PatchOp("incr", SUPPLY.reserved, qty),
            PatchOp("set", slot, to_json(entry)),
            *self._stamp(),
        ]
        absent = Filter(slot, "defined", False)
        record_id = supply_id(item_id, ship_node)
        fast = (Filter(AVAILABLE_TERMS, ">=", qty), Filter(SUPPLY.infinite, "=", False), absent)
        try:
            if self._supply.try_patch(record_id, item_id, ops, condition=fast) is not None:
                return True
        except NotFound:
            return False
        for _ in range(MAX_RACE_RETRIES):
            current = self._supply.get(record_id, item_id)
            if current is None:
                return False
            record = current.model
            if key in record.holds:
                return True
            if record.infinite:
                cond = (Filter(SUPPLY.infinite, "=", True), absent)
                if self._supply.try_patch(record_id, item_id, ops, condition=cond) is not None:
                    return True
                continue
            expired = expired_quantity(record, now)
            if expired == 0 or raw_available(record, now) < qty:
                return False
            kept = {k: h for k, h in record.holds.items() if h.exp > now}
            kept[key] = entry
            replaced = record.with_changes(
                holds=kept,
                reserved=record.reserved - expired + qty,
                version=record.version + 1,
                modifyts=self._clock.now(),
            )
            if self._supply.try_replace(replaced, if_match=current.etag) is not None:
                return True
        raise Unavailable("the supply record is too contended; retry", code="CONTENDED")

    def release_hold(self, item_id: str, ship_node: str, reservation_id: str, qty: int) -> bool:
        """Give the units back; ``False`` when the hold is gone already."""
        slot = SUPPLY.holds / hold_key(reservation_id)
        ops = [PatchOp("incr", SUPPLY.reserved, -qty), PatchOp("remove", slot), *self._stamp()]
        return self._conditional(item_id, ship_node, ops, Filter(slot, "defined", True))

    def lock_hold(
        self, item_id: str, ship_node: str, reservation_id: str, now: float, locked_exp: float
    ) -> bool:
        """Move a live hold's expiry out of reach, so no reclaim can take it while the
        reservation is being confirmed; ``False`` when the hold expired or is gone."""
        exp = SUPPLY.holds / hold_key(reservation_id) / HOLD.exp
        ops = [PatchOp("set", exp, locked_exp)]
        return self._conditional(item_id, ship_node, ops, Filter(exp, ">", now))

    def extend_hold(
        self, item_id: str, ship_node: str, reservation_id: str, now: float, exp: float
    ) -> bool:
        """Move a live hold's expiry to ``exp``; ``False`` when it expired, is gone, or
        is locked for a confirmation (a lock is never moved back into reach). A new
        version, so cached copies of the record (which carry the holds) are replaced."""
        path = SUPPLY.holds / hold_key(reservation_id) / HOLD.exp
        ops = [PatchOp("set", path, exp), *self._stamp()]
        conds = (Filter(path, ">", now), Filter(path, "<", LOCKED_EXP))
        try:
            patched = self._supply.try_patch(
                supply_id(item_id, ship_node), item_id, ops, condition=conds
            )
        except NotFound:
            return False
        return patched is not None

    def return_units(self, item_id: str, ship_node: str, reservation_id: str, qty: int) -> bool:
        """Add back ``qty`` units a confirmation deducted, marked under the hold's key in
        the same write; ``False`` when the marker says it was done already."""
        slot = SUPPLY.restocks / hold_key(reservation_id)
        ops = [PatchOp("incr", SUPPLY.quantity, qty), PatchOp("set", slot, qty), *self._stamp()]
        return self._conditional(item_id, ship_node, ops, Filter(slot, "defined", False))

    def forget_return(self, item_id: str, ship_node: str, reservation_id: str) -> bool:
        """Drop the marker once the reservation says RESTOCKED (no version: nothing a
        reader sees changes)."""
        slot = SUPPLY.restocks / hold_key(reservation_id)
        return self._conditional(
            item_id, ship_node, [PatchOp("remove", slot)], Filter(slot, "defined", True)
        )

    def deduct_hold(self, item_id: str, ship_node: str, reservation_id: str, qty: int) -> bool:
        """Turn a (locked) hold into a deduction of on-hand; ``False`` if already done."""
        slot = SUPPLY.holds / hold_key(reservation_id)
        ops = [
            PatchOp("incr", SUPPLY.quantity, -qty),
            PatchOp("incr", SUPPLY.reserved, -qty),
            PatchOp("remove", slot),
            *self._stamp(),
        ]
        return self._conditional(item_id, ship_node, ops, Filter(slot, "defined", True))

    def _conditional(
        self, item_id: str, ship_node: str, ops: Sequence[PatchOp], cond: Filter
    ) -> bool:
        try:
            patched = self._supply.try_patch(
                supply_id(item_id, ship_node), item_id, ops, condition=(cond,)
            )
        except NotFound:
            return False
        return patched is not None

    # --- network statuses ----------------------------------------------------------------
    def network_statuses(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[str, Stored[StoredNetworkStatus]]:
        """The statuses of ``(id, itemId)`` pairs that exist, by id, in one read."""
        if not keys:
            return {}
        return {s.model.id: s for s in self._statuses.read_many(keys)}

    def write_network_status(
        self, new: StoredNetworkStatus, old: Stored[StoredNetworkStatus] | None
    ) -> None:
        """Only a newer item version may move the announced status; a concurrent
        writer raises (the batch is retried and sees the newer document)."""
        if old is None:
            self._statuses.create(new)
        elif old.model.item_version <= new.item_version:
            self._statuses.replace(new, if_match=old.etag)

    # --- reservations ------------------------------------------------------------------
    def read_reservation(self, reservation_id: str) -> Stored[StoredReservation] | None:
        return self._reservations.get(reservation_id, reservation_id)

    def create_reservation(self, reservation: StoredReservation) -> Stored[StoredReservation]:
        """``Conflict`` when the id exists already."""
        return self._reservations.create(reservation)

    def replace_reservation(
        self, current: Stored[StoredReservation], **changes: Any
    ) -> Stored[StoredReservation] | None:
        """The reservation with ``changes`` (Python names) over the version read, or
        ``None`` when another writer came first."""
        changed = current.model.with_changes(**changes)
        return self._reservations.try_replace(changed, if_match=current.etag)

    def delete_reservation(self, reservation_id: str, *, if_match: str | None = None) -> None:
        self._reservations.delete(reservation_id, reservation_id, if_match=if_match)

    def due_held(self, now: float, limit: int) -> list[Stored[StoredReservation]]:
        """HELD reservations whose expiry has passed, oldest first."""
        return self._due(ReservationStatus.HELD, RESERVATION.expires_at_epoch, now, limit)

    def due_pending(self, now: float, limit: int) -> list[Stored[StoredReservation]]:
        """PENDING attempts past their timeout (crashed half-way), oldest first."""
        return self._due(ReservationStatus.PENDING, RESERVATION.attempt_expires_at, now, limit)

    def _due(
        self, status: ReservationStatus, deadline: FieldPath, now: float, limit: int
    ) -> list[Stored[StoredReservation]]:
        query = Query(
            filters=(Filter(RESERVATION.status, "=", status.value), Filter(deadline, "<=", now)),
            order_by=((deadline, False),),
            limit=limit,
        )
        return self._reservations.query(query)

    # --- audit -------------------------------------------------------------------------
    def write_audit(
        self,
        *,
        operation: str,
        employee_id: str,
        form_name: str,
        reference_type: str,
        reference_value: str,
        before: Any,
        after: Any,
        reason: str | None = None,
        entry_id: str | None = None,
    ) -> StoredAudit:
        """``entry_id`` makes the row unique: a retried write that finds it written
        answers the row there (an audit trail records a change once)."""
        entry = StoredAudit(
            id=entry_id or str(uuid.uuid4()),
            operation=operation,
            employee_id=employee_id,
            form_name=form_name,
            reference_type=reference_type,
            reference_value=reference_value,
            reason=reason,
            changes=AuditChanges(before=to_json(before), after=to_json(after)),
            createts=self._clock.now(),
        )
        try:
            return self._audit.create(entry).model
        except Conflict:
            if entry_id is None:
                raise
            found = self._audit.get(entry_id, reference_value)
            if found is None:
                raise
            return found.model

    def list_audit(self, reference_value: str) -> list[StoredAudit]:
        query = Query(order_by=((AUDIT.createts, False),))
        return [s.model for s in self._audit.query(query, partition_key=reference_value)]


def _skip_node(doc: Document, exc: ValidationError) -> None:
    log.warning(
        "ship node document %s cannot be read, left out: %s",
        doc.get(NODE.id),
        "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
    )
