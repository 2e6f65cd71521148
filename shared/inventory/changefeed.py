"""The change feed of ``inventory`` is the outbox: what it delivers is published.

For every changed supply record the item's current records are read (one query per
batch), the cached availability is refreshed with version-guarded writes (one cache
round trip per batch), and one ``InventoryChanged`` per record goes to the inventory hub
with the item as partition key. The event ``version`` is the item version (the sum of
its records' versions, which only grows), which orders the item's states. The event id
is derived from what a replay does not move: the item, the node and that node's record
version. A replayed batch reads the item's records again, and if another node changed
since, the item version has moved on; the node's own record has not, so the replay
carries the very id a consumer has already seen (docs/cache-and-events.md, "What a
consumer dedupes on").

Stock-level events (``OutOfStock``, ``LowStockReached``, ``BackInStock``) compare the
network status with the last one announced, kept in a small network-status document
per item and enterprise in the same container. It is written only after publishing, so a
crash in between re-announces rather than losing the event, under the same id: a
crossing's id is derived from the status it leaves (the document's status and the item
version it was recorded at) and the one it reaches, neither of which a replay moves.
The trigger skips those documents when they come back through the feed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.events import EventEnvelope
from shared.inventory.model import (
    AvailabilityFilter,
    InventoryChanged,
    ItemAvailability,
    ShipNode,
    StockLevelCrossed,
    StockStatus,
    SupplyRecord,
)
from shared.inventory.nodes import ShipNodes
from shared.inventory.repository import InventoryRepository
from shared.inventory.rules import boundary_event, item_availability, item_version
from shared.inventory.stored import StoredNetworkStatus, changed_supply
from shared.inventory.supply_cache import SupplyCache
from shared.ports import Clock, EventPublisher
from shared.stored import Stored

INVENTORY_CHANGED = "InventoryChanged"
QUERY_CHUNK = 100
_EVENT_NS = uuid.UUID("6f1d2a3c-52b4-4f7e-9a3e-1c0de0f1a2b3")


def network_status_id(item_id: str, enterprise_code: str) -> str:
    return f"{item_id}@@{enterprise_code}"


def event_id(event_type: str, *parts: object) -> str:
    return str(uuid.uuid5(_EVENT_NS, "|".join([event_type, *map(str, parts)])))


def node_event_id(item_id: str, ship_node: str, node_version: int) -> str:
    """``InventoryChanged``: one per version of one node's record."""
    return event_id(INVENTORY_CHANGED, item_id, ship_node, f"record-{node_version}")


def crossing_event_id(
    event_type: str, item_id: str, left: StoredNetworkStatus, reached: StockStatus
) -> str:
    """A boundary crossing: from the status last announced (as recorded, with the item
    version it was recorded at) to the one reached."""
    return event_id(
        event_type,
        item_id,
        left.enterprise_code,
        f"from-{left.status.value}-{left.item_version}",
        f"to-{reached.value}",
    )


@dataclass(frozen=True)
class FeedResult:
    changed: int
    published: int
    boundaries: int


StatusWrite = tuple[StoredNetworkStatus, Stored[StoredNetworkStatus] | None]


class InventoryFeed:
    def __init__(
        self,
        repo: InventoryRepository,
        nodes: ShipNodes,
        supply_cache: SupplyCache,
        events: EventPublisher,
        clock: Clock,
        *,
        hub: str,
        service_id: str,
    ) -> None:
        self._repo = repo
        self._nodes = nodes
        self._supply_cache = supply_cache
        self._events = events
        self._clock = clock
        self.hub = hub
        self.service_id = service_id

    def process(self, documents: Sequence[Mapping[str, Any]]) -> FeedResult:
        """Raises on any failure, so the host retries the whole batch."""
        changed = changed_supply(documents)
        if not changed:
            return FeedResult(0, 0, 0)
        items = sorted(changed)
        records: dict[str, list[SupplyRecord]] = {i: [] for i in items}
        for start in range(0, len(items), QUERY_CHUNK):
            for r in self._repo.records_for_items(items[start : start + QUERY_CHUNK]):
                records[r.item_id].append(r)
        self._supply_cache.remember_many(records)
        statuses = self._repo.network_statuses(
            sorted(
                {
                    (network_status_id(item, r.enterprise_code), item)
                    for item, recs in records.items()
                    for r in recs
                }
            )
        )
        now = self._clock.time()
        envelopes: list[EventEnvelope] = []
        status_writes: list[StatusWrite] = []
        nodes_by_enterprise: dict[str, Mapping[str, ShipNode]] = {}
        for item in items:
            recs = records[item]
            version = item_version(recs)
            for enterprise in sorted({r.enterprise_code for r in recs}):
                nodes = nodes_by_enterprise.get(enterprise)
                if nodes is None:
                    nodes = nodes_by_enterprise[enterprise] = self._nodes.by_id(enterprise)
                avail = item_availability(
                    item, enterprise, recs, nodes, flt=AvailabilityFilter(), now=now
                )
                envelopes += self._node_events(avail, changed[item], version)
                previous = statuses.get(network_status_id(item, enterprise))
                crossing, write = self._status_change(avail, previous, version)
                envelopes += crossing
                status_writes += write
        if envelopes:
            self._events.publish(self.hub, [e.to_wire() for e in envelopes])
        for new, old in status_writes:
            self._repo.write_network_status(new, old)
        boundaries = sum(1 for e in envelopes if e.event_type != INVENTORY_CHANGED)
        return FeedResult(sum(len(v) for v in changed.values()), len(envelopes), boundaries)

    def _node_events(
        self, avail: ItemAvailability, changed_nodes: set[str], version: int
    ) -> list[EventEnvelope]:
        return [
            self._event(
                INVENTORY_CHANGED,
                node_event_id(avail.item_id, node.ship_node, node.version),
                avail.item_id,
                version,
                InventoryChanged(
                    item_id=avail.item_id,
                    ship_node=node.ship_node,
                    enterprise_code=avail.enterprise_code,
                    available=node.available,
                    infinite=node.infinite,
                    status=node.status,
                    node_version=node.version,
                    network=avail.network,
                ),
            )
            for node in avail.nodes
            if node.ship_node in changed_nodes
        ]

    def _status_change(
        self,
        avail: ItemAvailability,
        previous: Stored[StoredNetworkStatus] | None,
        version: int,
    ) -> tuple[list[EventEnvelope], list[StatusWrite]]:
        """The boundary event the network status crosses, and the status to record."""
        network = avail.network
        before: StockStatus | None = previous.model.status if previous else None
        events: list[EventEnvelope] = []
        crossing = boundary_event(before, network.status)
        if crossing is not None and previous is not None:
            payload = StockLevelCrossed(
                item_id=avail.item_id,
                enterprise_code=avail.enterprise_code,
                previous_status=before,
                status=network.status,
                available=network.available,
            )
            ident = crossing_event_id(crossing, avail.item_id, previous.model, network.status)
            events.append(self._event(crossing, ident, avail.item_id, version, payload))
        if before is network.status:
            return events, []
        status = StoredNetworkStatus(
            id=network_status_id(avail.item_id, avail.enterprise_code),
            item_id=avail.item_id,
            enterprise_code=avail.enterprise_code,
            status=network.status,
            item_version=version,
            modifyts=self._clock.now(),
        )
        return events, [(status, previous)]

    def _event(
        self,
        event_type: str,
        ident: str,
        item: str,
        version: int,
        payload: InventoryChanged | StockLevelCrossed,
    ) -> EventEnvelope:
        return EventEnvelope(
            event_id=ident,
            event_type=event_type,
            timestamp=self._clock.now(),
            service_id=self.service_id,
            subject=item,
            version=version,
            payload=payload.model_dump(mode="json", by_alias=True),
        )
