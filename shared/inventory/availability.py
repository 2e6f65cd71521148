"""Availability reads: computed from supply records at read time, so expired holds drop
out the moment they expire, whether the records came from the store or the cache."""

from __future__ import annotations

from collections.abc import Sequence

from shared.inventory.model import AvailabilityFilter, AvailabilityView, ItemAvailability
from shared.inventory.nodes import ShipNodes
from shared.inventory.rules import capped_view, item_availability
from shared.inventory.supply_cache import SupplyCache
from shared.ports import Clock


class AvailabilityReader:
    def __init__(
        self, nodes: ShipNodes, supply_cache: SupplyCache, clock: Clock, *, display_cap: int
    ) -> None:
        self._nodes = nodes
        self._supply_cache = supply_cache
        self._clock = clock
        self.display_cap = display_cap

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
        """Uncapped, for in-process callers (sourcing, the catalog). Two cache round
        trips, and for what the cache misses one store query for the nodes and one per
        ``MAX_BATCH_ITEMS`` items (the HTTP API takes at most that)."""
        wanted = list(dict.fromkeys(item_ids))
        enterprise = enterprise_code or self._nodes.default_enterprise
        nodes = self._nodes.by_id(enterprise)
        records = self._supply_cache.load(wanted)
        now = self._clock.time()
        use = flt or AvailabilityFilter()
        return {
            item: item_availability(
                item, enterprise, records.get(item, []), nodes, flt=use, now=now
            )
            for item in wanted
        }

    def get_views(
        self,
        item_ids: Sequence[str],
        enterprise_code: str | None = None,
        flt: AvailabilityFilter | None = None,
    ) -> list[AvailabilityView]:
        """The anonymous answer, capped at the display cap."""
        found = self.get_availability_many(item_ids, enterprise_code, flt)
        return [capped_view(found[i], self.display_cap) for i in dict.fromkeys(item_ids)]
