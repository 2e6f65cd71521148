"""Inventory's stored documents: the one module that spells their field names.

Each stored model is its public view plus what only the store keeps (the document id,
the kind of document, a reservation's idempotency fingerprint and its epoch deadlines);
``view()`` derives the public model. Patches, filters and sort orders name fields
through the ``paths`` objects below, never as strings.

Containers and partition keys:

- ``inventory`` (``/itemId``): one ``supply`` document per item and ship node, and one
  ``networkStatus`` document per item and enterprise (the last announced stock level);
- ``ship_nodes`` (``/enterpriseCode``), ``reservations`` (``/reservationId``),
  ``inventory_audit`` (``/referenceValue``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from shared.inventory.model import (
    Hold,
    Model,
    Reservation,
    ShipNode,
    StockStatus,
    SupplyRecord,
)
from shared.stored import StoredModel, paths


class StoredSupply(StoredModel, SupplyRecord):
    """One item's stock at one ship node (id ``{itemId}@{shipNode}``)."""

    model_config = ConfigDict(extra="allow")
    DOC_TYPE: ClassVar[str | None] = "supply"

    doc_type: Literal["supply"] = "supply"
    restocks: dict[str, int] = Field(default_factory=dict)
    """Units a restock gave back, by hold key, until its reservation says RESTOCKED: the
    marker that makes the give-back happen once however often it is retried."""

    def view(self) -> SupplyRecord:
        return self.as_view(SupplyRecord)


class StoredNetworkStatus(StoredModel):
    """The network stock level last announced for an item in an enterprise, so the
    change feed publishes a boundary event only when the level crosses one."""

    DOC_TYPE: ClassVar[str | None] = "networkStatus"

    doc_type: Literal["networkStatus"] = "networkStatus"
    item_id: str
    enterprise_code: str
    status: StockStatus
    item_version: int
    modifyts: datetime | None = None


class StoredShipNode(StoredModel, ShipNode):
    """A ship node (id = ``shipNode``): the public view as stored."""

    model_config = ConfigDict(extra="allow")

    def view(self) -> ShipNode:
        return self.as_view(ShipNode)


class StoredReservation(StoredModel, Reservation):
    """A reservation (id = ``reservationId``) with what makes it idempotent and lets
    the expiry timer find it: the request's fingerprint and epoch deadlines."""

    model_config = ConfigDict(extra="allow")

    fingerprint: str
    ttl_seconds: int
    expires_at_epoch: float
    attempt_expires_at: float
    """Until then a PENDING attempt is in progress; after it, a crashed one to undo."""

    def view(self) -> Reservation:
        return self.as_view(Reservation)


class SupplyAudit(Model):
    """What a supply audit row records of a record, before and after."""

    quantity: int
    safety_stock: int
    threshold: int
    infinite: bool
    reserved: int
    version: int


class QuantityAudit(Model):
    """What an adjustment's audit row records: on-hand before and after."""

    quantity: int


class ReturnAudit(Model):
    """What a restock's audit row records: the units given back to on-hand."""

    returned: int


class AuditChanges(Model):
    before: Any = None
    after: Any = None


class StoredAudit(StoredModel):
    """One audited admin change, in the shape of the old service's audit table."""

    operation: str
    employee_id: str
    form_name: str
    reference_type: str
    reference_value: str
    reason: str | None = None
    changes: AuditChanges
    createts: datetime


SUPPLY = paths(StoredSupply)
HOLD = paths(Hold)
STATUS = paths(StoredNetworkStatus)
NODE = paths(StoredShipNode)
RESERVATION = paths(StoredReservation)
AUDIT = paths(StoredAudit)

# Partition key paths, spelled out so the infrastructure checks (tests/infra) can read
# them without importing the code; tests/unit/test_stored_models.py keeps each equal to
# its field's alias.
SUPPLY_PARTITION = "/itemId"
NODE_PARTITION = "/enterpriseCode"
RESERVATION_PARTITION = "/reservationId"
AUDIT_PARTITION = "/referenceValue"

AVAILABLE_TERMS = ((1, SUPPLY.quantity), (-1, SUPPLY.reserved), (-1, SUPPLY.safety_stock))
"""``quantity - reserved - safetyStock``: what a conditional hold compares atomically."""


def changed_supply(documents: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """``itemId -> shipNodes`` of the supply documents in a change-feed batch; the other
    kind in the container (the network statuses the feed writes itself) is left out."""
    changed: dict[str, set[str]] = {}
    for doc in documents:
        if doc.get(SUPPLY.doc_type) == StoredSupply.DOC_TYPE:
            changed.setdefault(str(doc[SUPPLY.item_id]), set()).add(str(doc[SUPPLY.ship_node]))
    return changed
