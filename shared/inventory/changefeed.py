"""The change feed of ``inventory`` is the outbox: what it delivers is published.

For every changed supply record the item's current records are read (one query per
batch), the cached availability is refreshed with version-guarded writes (one cache
round trip per batch), and one ``InventoryChanged`` per record goes to the inventory hub
with the item as partition key. The event ``version`` is the item version (the sum of
its records' versions, which only grows), and event ids are derived from (type, item,
node, version): a replayed batch publishes the very same events, which consumers that
dedupe on version drop.

Stock-level events (``OutOfStock``, ``LowStockReached``, ``BackInStock``) compare the
network status with the last one announced, kept in a small ``networkStatus`` document
per item and enterprise in the same container. It is written only after publishing, so a
crash in between re-announces (same ids) rather than losing the event; the trigger skips
those documents when they come back through the feed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.events import EventEnvelope
from shared.inventory.model import AvailabilityFilter, ShipNode, StockStatus, SupplyRecord
from shared.inventory.repository import InventoryRepository, now_iso, user_doc
from shared.inventory.rules import boundary_event, item_availability, item_version
from shared.ports import EventPublisher

INVENTORY_CHANGED = "InventoryChanged"
QUERY_CHUNK = 100
_EVENT_NS = uuid.UUID("6f1d2a3c-52b4-4f7e-9a3e-1c0de0f1a2b3")


def network_status_id(item_id: str, enterprise_code: str) -> str:
    return f"{item_id}@@{enterprise_code}"


def event_id(event_type: str, *parts: object) -> str:
    return str(uuid.uuid5(_EVENT_NS, "|".join([event_type, *map(str, parts)])))


@dataclass(frozen=True)
class FeedResult:
    changed: int
    published: int
    boundaries: int


class InventoryFeed:
    def __init__(
        self,
        repo: InventoryRepository,
        events: EventPublisher,
        *,
        load_nodes: Callable[[str], dict[str, ShipNode]],
        remember: Callable[[Mapping[str, Sequence[SupplyRecord]]], set[str]],
        hub: str,
        service_id: str,
    ) -> None:
        self.repo = repo
        self.events = events
        self._load_nodes = load_nodes
        self._remember = remember
        self.hub = hub
        self.service_id = service_id

    def process(self, documents: Sequence[Mapping[str, Any]]) -> FeedResult:
        """Raises on any failure, so the host retries the whole batch."""
        changed: dict[str, set[str]] = {}
        for doc in documents:
            if doc.get("docType") == "supply":
                changed.setdefault(str(doc["itemId"]), set()).add(str(doc["shipNode"]))
        if not changed:
            return FeedResult(0, 0, 0)
        items = sorted(changed)
        records: dict[str, list[SupplyRecord]] = {i: [] for i in items}
        for start in range(0, len(items), QUERY_CHUNK):
            for r in self.repo.records_for_items(items[start : start + QUERY_CHUNK]):
                records[r.item_id].append(r)
        self._remember(records)
        status_docs = self._status_docs(records)
        now = time.time()
        envelopes: list[EventEnvelope] = []
        status_writes: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        nodes_cache: dict[str, dict[str, ShipNode]] = {}
        for item in items:
            recs = records[item]
            version = item_version(recs)
            for enterprise in sorted({r.enterprise_code for r in recs}):
                nodes = nodes_cache.get(enterprise)
                if nodes is None:
                    nodes = nodes_cache[enterprise] = self._load_nodes(enterprise)
                avail = item_availability(
                    item, enterprise, recs, nodes, flt=AvailabilityFilter(), now=now
                )
                network = avail.network
                for node in avail.nodes:
                    if node.ship_node not in changed[item]:
                        continue
                    payload = {
                        "itemId": item,
                        "shipNode": node.ship_node,
                        "enterpriseCode": enterprise,
                        "available": node.available,
                        "infinite": node.infinite,
                        "status": node.status.value,
                        "nodeVersion": node.version,
                        "network": {
                            "available": network.available,
                            "infinite": network.infinite,
                            "status": network.status.value,
                        },
                    }
                    envelopes.append(
                        self._event(INVENTORY_CHANGED, item, version, payload, node.ship_node)
                    )
                sid = network_status_id(item, enterprise)
                previous_doc = status_docs.get(sid)
                previous = StockStatus(previous_doc["status"]) if previous_doc else None
                crossing = boundary_event(previous, network.status)
                if crossing is not None:
                    envelopes.append(
                        self._event(
                            crossing,
                            item,
                            version,
                            {
                                "itemId": item,
                                "enterpriseCode": enterprise,
                                "previousStatus": previous.value if previous else None,
                                "status": network.status.value,
                                "available": network.available,
                            },
                            enterprise,
                        )
                    )
                if previous is not network.status:
                    status_writes.append(
                        (
                            {
                                "id": sid,
                                "docType": "networkStatus",
                                "itemId": item,
                                "enterpriseCode": enterprise,
                                "status": network.status.value,
                                "itemVersion": version,
                                "modifyts": now_iso(),
                            },
                            previous_doc,
                        )
                    )
        if envelopes:
            self.events.publish(self.hub, [e.to_wire() for e in envelopes])
        for new, old in status_writes:
            self._write_status(new, old)
        boundaries = sum(1 for e in envelopes if e.event_type != INVENTORY_CHANGED)
        return FeedResult(sum(len(v) for v in changed.values()), len(envelopes), boundaries)

    def _event(
        self, event_type: str, item: str, version: int, payload: dict[str, Any], part: str
    ) -> EventEnvelope:
        return EventEnvelope(
            event_id=event_id(event_type, item, part, version),
            event_type=event_type,
            service_id=self.service_id,
            subject=item,
            version=version,
            payload=payload,
        )

    def _status_docs(self, records: Mapping[str, list[SupplyRecord]]) -> dict[str, dict[str, Any]]:
        keys = sorted(
            {
                (network_status_id(item, r.enterprise_code), item)
                for item, recs in records.items()
                for r in recs
            }
        )
        if not keys:
            return {}
        return {d["id"]: d for d in self.repo.supply.read_many(keys)}

    def _write_status(self, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Only a newer item version may move the announced status; a concurrent
        writer raises (the batch is retried and sees the newer document)."""
        if old is None:
            self.repo.supply.create(new)
            return
        if int(old.get("itemVersion", 0)) > int(new["itemVersion"]):
            return
        self.repo.supply.replace(user_doc(old) | new, if_match=old["_etag"])
