"""The inventory's documents, over the DocumentStore port only.

Every change to a supply record is one conditional patch or one etag replace, so two
writers can never both spend the same unit. Each write adds one to ``version``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared.errors import NotFound, PreconditionFailed, Unavailable
from shared.inventory.model import Hold, ShipNode, SupplyRecord
from shared.inventory.rules import expired_quantity, hold_key, raw_available, supply_id
from shared.ports import ContainerSpec, Document, DocumentContainer, DocumentStore, Filter, PatchOp
from shared.ports import Query as Q

log = logging.getLogger("shared.inventory")

MAX_RACE_RETRIES = 50
"""Etag retries before giving up with 503; only reached under pathological contention."""

AVAILABLE_TERMS = ((1, "quantity"), (-1, "reserved"), (-1, "safetyStock"))


@dataclass(frozen=True)
class ContainerNames:
    inventory: str = "inventory"
    ship_nodes: str = "ship_nodes"
    reservations: str = "reservations"
    audit: str = "inventory_audit"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_doc(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def to_record(doc: Document) -> SupplyRecord:
    return SupplyRecord.model_validate(doc)


def to_node(doc: Document) -> ShipNode:
    return ShipNode.model_validate(doc)


class InventoryRepository:
    def __init__(self, store: DocumentStore, names: ContainerNames) -> None:
        self._store = store
        self._names = names

    # --- containers ------------------------------------------------------------------
    @property
    def supply(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.inventory, "/itemId"))

    @property
    def nodes(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.ship_nodes, "/enterpriseCode"))

    @property
    def reservations(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.reservations, "/reservationId"))

    @property
    def audit(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.audit, "/referenceValue"))

    # --- ship nodes --------------------------------------------------------------------
    def list_nodes(self, enterprise_code: str) -> list[ShipNode]:
        """A document that is not a ship node at all (no type, location or cutoff to go
        by) is left out with a warning: it can offer nothing, and failing here would
        fail every availability read, reservation and cart of the enterprise."""
        docs = self.nodes.query(Q(order_by=(("id", False),)), partition_key=enterprise_code)
        nodes: list[ShipNode] = []
        for doc in docs:
            try:
                nodes.append(to_node(doc))
            except ValidationError as exc:
                log.warning(
                    "ship node document %s cannot be read, left out: %s",
                    doc.get("id"),
                    "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                )
        return nodes

    def find_node_doc(self, ship_node: str, enterprise_code: str | None) -> Document | None:
        if enterprise_code is not None:
            try:
                return self.nodes.read(ship_node, enterprise_code)
            except NotFound:
                return None
        docs = self.nodes.query(Q(filters=(Filter("id", "=", ship_node),), limit=1))
        return docs[0] if docs else None

    def upsert_node(self, doc: Document, *, if_match: str | None) -> Document:
        if if_match is None:
            return self.nodes.create(doc)
        return self.nodes.replace(doc, if_match=if_match)

    # --- supply records ------------------------------------------------------------------
    def read_supply(self, item_id: str, ship_node: str) -> Document | None:
        try:
            return self.supply.read(supply_id(item_id, ship_node), item_id)
        except NotFound:
            return None

    def records_for_items(self, item_ids: Sequence[str]) -> list[SupplyRecord]:
        """One partition query for one item, else one cross-partition ``in`` query."""
        if not item_ids:
            return []
        base = (Filter("docType", "=", "supply"),)
        if len(item_ids) == 1:
            docs = self.supply.query(Q(filters=base), partition_key=item_ids[0])
        else:
            docs = self.supply.query(Q(filters=(*base, Filter("itemId", "in", list(item_ids)))))
        return [to_record(d) for d in docs]

    def create_supply(self, doc: Document) -> Document:
        return self.supply.create(doc)

    def patch_supply(
        self,
        item_id: str,
        ship_node: str,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Document | None:
        """The patched document, or ``None`` when the condition or etag did not hold."""
        try:
            return self.supply.patch(
                supply_id(item_id, ship_node),
                item_id,
                ops,
                condition=condition,
                if_match=if_match,
            )
        except PreconditionFailed:
            return None

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
        entry = Hold(reservation_id=reservation_id, quantity=qty, exp=exp).model_dump(by_alias=True)
        ops = [
            PatchOp("incr", "reserved", qty),
            PatchOp("set", f"holds.{key}", entry),
            PatchOp("incr", "version", 1),
            PatchOp("set", "modifyts", now_iso()),
        ]
        absent = Filter(f"holds.{key}", "defined", False)
        fast = (Filter(AVAILABLE_TERMS, ">=", qty), Filter("infinite", "=", False), absent)
        if self.patch_supply(item_id, ship_node, ops, condition=fast) is not None:
            return True
        for _ in range(MAX_RACE_RETRIES):
            doc = self.read_supply(item_id, ship_node)
            if doc is None:
                return False
            if key in (doc.get("holds") or {}):
                return True
            record = to_record(doc)
            if record.infinite:
                cond = (Filter("infinite", "=", True), absent)
                if self.patch_supply(item_id, ship_node, ops, condition=cond) is not None:
                    return True
                continue
            expired = expired_quantity(record, now)
            if expired == 0 or raw_available(record, now) < qty:
                return False
            kept = {k: v for k, v in (doc.get("holds") or {}).items() if float(v["exp"]) > now}
            kept[key] = entry
            new = user_doc(doc) | {
                "holds": kept,
                "reserved": int(doc.get("reserved", 0)) - expired + qty,
                "version": int(doc.get("version", 0)) + 1,
                "modifyts": now_iso(),
            }
            try:
                self.supply.replace(new, if_match=doc["_etag"])
                return True
            except PreconditionFailed:
                continue
        raise Unavailable("the supply record is too contended; retry", code="CONTENDED")

    def release_hold(self, item_id: str, ship_node: str, reservation_id: str, qty: int) -> bool:
        """Give the units back; ``False`` when the hold is gone already."""
        key = hold_key(reservation_id)
        ops = [
            PatchOp("incr", "reserved", -qty),
            PatchOp("remove", f"holds.{key}"),
            PatchOp("incr", "version", 1),
            PatchOp("set", "modifyts", now_iso()),
        ]
        cond = (Filter(f"holds.{key}", "defined", True),)
        try:
            return self.patch_supply(item_id, ship_node, ops, condition=cond) is not None
        except NotFound:
            return False

    def lock_hold(
        self, item_id: str, ship_node: str, reservation_id: str, now: float, locked_exp: float
    ) -> bool:
        """Move a live hold's expiry out of reach, so no reclaim can take it while the
        reservation is being confirmed; ``False`` when the hold expired or is gone."""
        key = hold_key(reservation_id)
        ops = [PatchOp("set", f"holds.{key}.exp", locked_exp)]
        cond = (Filter(f"holds.{key}.exp", ">", now),)
        try:
            return self.patch_supply(item_id, ship_node, ops, condition=cond) is not None
        except NotFound:
            return False

    def deduct_hold(self, item_id: str, ship_node: str, reservation_id: str, qty: int) -> bool:
        """Turn a (locked) hold into a deduction of on-hand; ``False`` if already done."""
        key = hold_key(reservation_id)
        ops = [
            PatchOp("incr", "quantity", -qty),
            PatchOp("incr", "reserved", -qty),
            PatchOp("remove", f"holds.{key}"),
            PatchOp("incr", "version", 1),
            PatchOp("set", "modifyts", now_iso()),
        ]
        cond = (Filter(f"holds.{key}", "defined", True),)
        try:
            return self.patch_supply(item_id, ship_node, ops, condition=cond) is not None
        except NotFound:
            return False

    # --- reservations ------------------------------------------------------------------
    def read_reservation(self, reservation_id: str) -> Document | None:
        try:
            return self.reservations.read(reservation_id, reservation_id)
        except NotFound:
            return None

    def due_reservations(self, status: str, field: str, now: float, limit: int) -> list[Document]:
        query = Q(
            filters=(Filter("status", "=", status), Filter(field, "<=", now)),
            order_by=((field, False),),
            limit=limit,
        )
        return self.reservations.query(query)

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
    ) -> Document:
        return self.audit.create(
            {
                "id": str(uuid.uuid4()),
                "operation": operation,
                "employeeId": employee_id,
                "formName": form_name,
                "referenceType": reference_type,
                "referenceValue": reference_value,
                "reason": reason,
                "changes": {"before": before, "after": after},
                "createts": now_iso(),
            }
        )

    def list_audit(self, reference_value: str) -> list[Document]:
        return self.audit.query(Q(order_by=(("createts", False),)), partition_key=reference_value)
