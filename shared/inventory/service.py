"""The inventory's in-process API: its parts, each built once by the composition root.

- ``nodes`` (``ShipNodes``): the ship nodes of an enterprise, cached briefly;
- ``availability`` (``AvailabilityReader``): network and node availability, computed
  at read time from supply records cached per item (``supply_cache``);
- ``supply`` (``SupplyWrites``): admin writes of supply and adjustments, audited;
- ``reservations`` (``ReservationBook``): all-or-nothing holds, extend, confirm and release;
- ``restocks`` (``Restocks``): a confirmed reservation's units given back, exactly once;
- ``feed`` (``InventoryFeed``): the change-feed trigger's work (the outbox).

Sourcing and the catalog call ``availability.get_availability_many`` and
``nodes.list_nodes`` directly; the HTTP triggers call the same methods and cap quantities
at the edge. Every write path ends in ``StockChanges.items_written``: the written items
are re-read into the cache under a version guard, so an older read never lands after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.inventory.availability import AvailabilityReader
from shared.inventory.changefeed import FeedResult, InventoryFeed
from shared.inventory.changes import StockChanges, StockListener
from shared.inventory.nodes import ShipNodes, nodes_cache_key
from shared.inventory.repository import InventoryRepository
from shared.inventory.reservations import ReservationBook, ReservationPolicy
from shared.inventory.restock import Restocks
from shared.inventory.supply import SupplyWrites
from shared.inventory.supply_cache import MAX_BATCH_ITEMS, SupplyCache, supply_cache_key

__all__ = [
    "MAX_BATCH_ITEMS",
    "AvailabilityReader",
    "FeedResult",
    "InventoryFeed",
    "InventoryRepository",
    "InventoryService",
    "ReservationBook",
    "ReservationPolicy",
    "Restocks",
    "ShipNodes",
    "StockChanges",
    "StockListener",
    "SupplyCache",
    "SupplyWrites",
    "nodes_cache_key",
    "supply_cache_key",
]


@dataclass(frozen=True)
class InventoryService:
    repo: InventoryRepository
    nodes: ShipNodes
    availability: AvailabilityReader
    supply: SupplyWrites
    reservations: ReservationBook
    restocks: Restocks
    feed: InventoryFeed
    supply_cache: SupplyCache
    changes: StockChanges
