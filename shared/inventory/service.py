"""The inventory's in-process API: ship nodes, supply, availability, reservations.

Sourcing and the catalog call ``get_availability_many`` and ``list_ship_nodes``
directly; the HTTP triggers call the same methods and cap quantities at the edge.

Availability is computed from supply records at read time (so expired holds drop out
the moment they expire) and the records of an item are cached under one key with the
item's version; the change-feed trigger and every write path here refresh that entry
with a version-guarded write (``supply_cache``), so an older read never lands after it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from shared.inventory.changefeed import FeedResult, InventoryFeed
from shared.inventory.model import (
    AdjustmentRequest,
    AvailabilityFilter,
    AvailabilityView,
    ItemAvailability,
    Reservation,
    ReserveInventory,
    ShipNode,
    ShipNodeSpec,
    SupplyRecord,
    SupplySpec,
)
from shared.inventory.repository import (
    MAX_RACE_RETRIES,
    InventoryRepository,
    now_iso,
    to_node,
    to_record,
)
from shared.inventory.reservations import ReservationBook
from shared.inventory.rules import capped_view, item_availability
from shared.inventory.supply import apply_adjustments, check_version, write_supply
from shared.inventory.supply_cache import MAX_BATCH_ITEMS, SupplyCache, supply_cache_key
from shared.ports import Cache, EventPublisher

__all__ = [
    "MAX_BATCH_ITEMS",
    "InventoryConfig",
    "InventoryService",
    "StockListener",
    "nodes_cache_key",
    "supply_cache_key",
]


@dataclass(frozen=True)
class InventoryConfig:
    default_enterprise: str = "BEAUTY_US"
    display_cap: int = 50
    cache_ttl_seconds: int = 60
    reservation_default_ttl: int = 900
    reservation_max_ttl: int = 86_400
    pending_timeout_seconds: int = 30
    hub: str = "inventory-updates"
    service_id: str = "commerce-functions"


def nodes_cache_key(enterprise_code: str) -> str:
    return f"inventory:nodes:{enterprise_code}"


class StockListener(Protocol):
    """Told after every acknowledged write, before the caller gets its answer, so a
    copy of stock kept elsewhere (the storefront's) can stop trusting older reads."""

    def items_changed(self, item_ids: Sequence[str]) -> None: ...

    def enterprise_changed(self, enterprise_code: str) -> None: ...


class InventoryService:
    def __init__(
        self,
        repo: InventoryRepository,
        cache: Cache,
        config: InventoryConfig,
        events: EventPublisher,
        *,
        listener: StockListener | None = None,
    ) -> None:
        self.repo = repo
        self.cache = cache
        self.config = config
        self.listener = listener
        self.supply_cache = SupplyCache(repo, cache, config.cache_ttl_seconds)
        self.reservations = ReservationBook(
            repo,
            load_nodes=self._nodes_by_id,
            invalidate=self.invalidate_items,
            default_ttl=config.reservation_default_ttl,
            max_ttl=config.reservation_max_ttl,
            pending_timeout=config.pending_timeout_seconds,
        )
        self.feed = InventoryFeed(
            repo,
            events,
            load_nodes=self._nodes_by_id,
            remember=self.remember_many,
            hub=config.hub,
            service_id=config.service_id,
        )

    # --- ship nodes ----------------------------------------------------------------------
    def list_ship_nodes(self, enterprise_code: str | None = None) -> list[ShipNode]:
        """Every node of the enterprise (ACTIVE and INACTIVE), cached briefly."""
        enterprise = enterprise_code or self.config.default_enterprise
        key = nodes_cache_key(enterprise)
        cached = self.cache.get(key)
        if isinstance(cached, list):
            return [ShipNode.model_validate(n) for n in cached]
        nodes = self.repo.list_nodes(enterprise)
        self.cache.set(
            key,
            [n.model_dump(mode="json", by_alias=True) for n in nodes],
            self.config.cache_ttl_seconds,
        )
        return nodes

    def _nodes_by_id(self, enterprise_code: str) -> dict[str, ShipNode]:
        return {n.ship_node: n for n in self.list_ship_nodes(enterprise_code)}

    def get_ship_node(self, ship_node: str, enterprise_code: str | None = None) -> ShipNode:
        doc = self.repo.find_node_doc(ship_node, enterprise_code)
        if doc is None:
            raise NotFound(f"ship node {ship_node!r} does not exist", code="SHIP_NODE_NOT_FOUND")
        return to_node(doc)

    def put_ship_node(
        self,
        ship_node: str,
        spec: ShipNodeSpec,
        actor: str,
        *,
        expected_version: int | None = None,
    ) -> tuple[ShipNode, bool]:
        """Create or replace; ``True`` when created. A node id is unique across
        enterprises, so moving it to another enterprise is a conflict."""
        for _ in range(MAX_RACE_RETRIES):
            existing = self.repo.find_node_doc(ship_node, None)
            check_version(existing, expected_version, f"ship node {ship_node!r}")
            if existing is not None and existing["enterpriseCode"] != spec.enterprise_code:
                raise Conflict(
                    f"ship node {ship_node!r} belongs to {existing['enterpriseCode']!r}",
                    code="SHIP_NODE_ENTERPRISE_MISMATCH",
                )
            version = int(existing.get("version", 0)) + 1 if existing else 1
            doc = spec.model_dump(mode="json", by_alias=True) | {
                "id": ship_node,
                "shipNode": ship_node,
                "modifyts": now_iso(),
                "version": version,
            }
            try:
                stored = self.repo.upsert_node(
                    doc, if_match=existing["_etag"] if existing else None
                )
            except (Conflict, PreconditionFailed):
                continue
            self.cache.delete(nodes_cache_key(spec.enterprise_code))
            self.repo.write_audit(
                operation="PUT_SHIP_NODE",
                employee_id=actor,
                form_name="PUT /ship-nodes/{shipNode}",
                reference_type="SHIP_NODE",
                reference_value=ship_node,
                before=_strip(existing),
                after=_strip(stored),
            )
            if self.listener is not None:
                self.listener.enterprise_changed(spec.enterprise_code)
            return to_node(stored), existing is None
        raise Unavailable("the ship node is too contended; retry", code="CONTENDED")

    # --- supply ------------------------------------------------------------------------
    def set_supply(
        self,
        item_id: str,
        ship_node: str,
        spec: SupplySpec,
        actor: str,
        *,
        expected_version: int | None = None,
    ) -> tuple[SupplyRecord, bool]:
        """Set on-hand, safety stock, threshold and infinite; holds are untouched.
        ``True`` when the record was created."""
        node = self.get_ship_node(ship_node)
        try:
            return write_supply(
                self.repo, node, item_id, spec, actor, expected_version=expected_version
            )
        finally:
            self.invalidate_items([item_id])

    def adjust_inventory(self, request: AdjustmentRequest, actor: str) -> list[SupplyRecord]:
        """Apply every delta or none (see ``supply.apply_adjustments``)."""
        try:
            return apply_adjustments(self.repo, request, actor)
        finally:
            self.invalidate_items([a.item_id for a in request.adjustments])

    def get_supply(self, item_id: str, ship_node: str) -> SupplyRecord:
        doc = self.repo.read_supply(item_id, ship_node)
        if doc is None:
            raise NotFound(
                f"no supply record for item {item_id!r} at node {ship_node!r}",
                code="SUPPLY_NOT_FOUND",
            )
        return to_record(doc)

    # --- availability ----------------------------------------------------------------------
    def get_availability(
        self,
        item_id: str,
        enterprise_code: str | None = None,
        flt: AvailabilityFilter | None = None,
    ) -> ItemAvailability:
        return self.get_availability_many([item_id], enterprise_code, flt)[item_id]

    def get_availability_many(
        self,
        item_ids: Sequence[str],
        enterprise_code: str | None = None,
        flt: AvailabilityFilter | None = None,
    ) -> dict[str, ItemAvailability]:
        """Two cache round trips, and for what the cache misses one store query for the
        nodes and one per ``MAX_BATCH_ITEMS`` items (the HTTP API takes at most that)."""
        wanted = list(dict.fromkeys(item_ids))
        enterprise = enterprise_code or self.config.default_enterprise
        nodes = self._nodes_by_id(enterprise)
        records = self.load_records(wanted)
        now = time.time()
        use = flt or AvailabilityFilter()
        return {
            item: item_availability(
                item, enterprise, records.get(item, []), nodes, flt=use, now=now
            )
            for item in wanted
        }

    def get_availability_views(
        self,
        item_ids: Sequence[str],
        enterprise_code: str | None = None,
        flt: AvailabilityFilter | None = None,
    ) -> list[AvailabilityView]:
        """The anonymous answer, capped at the display cap."""
        found = self.get_availability_many(item_ids, enterprise_code, flt)
        return [capped_view(found[i], self.config.display_cap) for i in dict.fromkeys(item_ids)]

    def load_records(self, item_ids: Sequence[str]) -> dict[str, list[SupplyRecord]]:
        return self.supply_cache.load(item_ids)

    def remember(self, item_id: str, records: Sequence[SupplyRecord]) -> bool:
        return item_id in self.remember_many({item_id: records})

    def remember_many(self, records: Mapping[str, Sequence[SupplyRecord]]) -> set[str]:
        return self.supply_cache.remember_many(records)

    def invalidate_items(self, item_ids: Sequence[str]) -> None:
        """Every supply, adjustment and reservation write path ends here: the cached
        records are replaced by a re-read (see ``supply_cache``), then the listener."""
        self.supply_cache.refresh_written(item_ids)
        if self.listener is not None:
            self.listener.items_changed(item_ids)

    # --- reservations ------------------------------------------------------------------
    def reserve_inventory(self, request: ReserveInventory) -> tuple[Reservation, bool]:
        """The held reservation and ``True``, or the first result of this id and
        ``False``; ``Conflict`` (nothing held) when a line cannot be held."""
        return self.reservations.reserve(request, time.time())

    def get_reservation(self, reservation_id: str) -> Reservation:
        return self.reservations.get(reservation_id, time.time())

    def release_reservation(self, reservation_id: str) -> Reservation:
        return self.reservations.release(reservation_id, time.time())

    def confirm_reservation(self, reservation_id: str) -> Reservation:
        return self.reservations.confirm(reservation_id, time.time())

    def process_changed_documents(self, documents: Sequence[dict[str, Any]]) -> FeedResult:
        """The change-feed trigger's work: publish, refresh the cache; raises to retry."""
        return self.feed.process(documents)

    def expire_reservations(self, now: float | None = None) -> dict[str, int]:
        return self.reservations.expire_due(time.time() if now is None else now)


def _strip(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if doc is None else {k: v for k, v in doc.items() if not k.startswith("_")}
