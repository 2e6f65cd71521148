"""Inventory's cache of supply records: one entry per item, versioned by the item's
version (the sum of its record versions, which every write raises by one).

Every entry is written with ``set_many_if_newer``, so a reader holding older records
loses to a newer entry. A write path therefore must not merely delete the entry: a
reader that read before the write and stores after the delete would find the key
absent, win, and serve the old stock until the change feed or the TTL replaced it.
Instead the write path re-reads the items it wrote and stores them the same way: the
entry then carries a version at least the write's own, which no earlier read can beat.

That costs the write one store query per ``MAX_BATCH_ITEMS`` items. The write's own
patch returns only the record it changed, while the item's version sums every node's
record; and the query is the one the first reader after the write paid on its miss
before, so reads after a write now start warm.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from cachetools import LRUCache

from shared.inventory.model import SupplyRecord
from shared.inventory.repository import InventoryRepository
from shared.inventory.rules import item_version
from shared.ports import Cache

MAX_BATCH_ITEMS = 200

log = logging.getLogger("shared.inventory")


def supply_cache_key(item_id: str) -> str:
    return f"inventory:supply:{item_id}"


_RECORD_FIELDS: set[str] = set(SupplyRecord.model_fields)


PARSED_ITEMS = 20_000
"""Items whose cached records each process keeps parsed (an item stocked at 5,000 nodes
took 80 ms to validate on every read)."""


def _records_payload(records: Sequence[SupplyRecord]) -> dict[str, Any]:
    """Only the record's own fields (a stored record read from the store carries more),
    and the item version: equal versions are equal records, since every write raises it."""
    return {
        "version": item_version(records),
        "records": [
            r.model_dump(mode="json", by_alias=True, include=_RECORD_FIELDS) for r in records
        ],
    }


class SupplyCache:
    def __init__(self, repo: InventoryRepository, cache: Cache, ttl_seconds: int) -> None:
        self.repo = repo
        self.cache = cache
        self.ttl_seconds = ttl_seconds
        self._parsed: LRUCache[str, tuple[int, list[SupplyRecord]]] = LRUCache(PARSED_ITEMS)
        self._lock = threading.Lock()

    def load(self, item_ids: Sequence[str]) -> dict[str, list[SupplyRecord]]:
        """Cache first, then one store query for the misses, written back in one round
        trip under each item's version (an older reader loses)."""
        keys = {supply_cache_key(i): i for i in item_ids}
        hits = self.cache.get_many(list(keys)) if keys else {}
        out: dict[str, list[SupplyRecord]] = {}
        for key, value in hits.items():
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                out[keys[key]] = self._parse(keys[key], value)
        misses = [i for i in item_ids if i not in out]
        if misses:
            fetched = self._read(misses)
            self.remember_many(fetched)
            out.update(fetched)
        return out

    def _parse(self, item_id: str, value: dict[str, Any]) -> list[SupplyRecord]:
        """The entry's records, validated once per process and item version."""
        version = value.get("version")
        with self._lock:
            known = self._parsed.get(item_id)
        if known is not None and isinstance(version, int) and known[0] == version:
            return list(known[1])
        records = [SupplyRecord.model_validate(r) for r in value["records"]]
        if isinstance(version, int) and version == item_version(records):
            with self._lock:
                self._parsed[item_id] = (version, records)
        return list(records)

    def remember_many(self, records: Mapping[str, Sequence[SupplyRecord]]) -> set[str]:
        """One cache round trip for a whole batch; an item cached at the same or a newer
        version is left alone. Returns the items written."""
        entries = {i: (_records_payload(r), item_version(r)) for i, r in records.items()}
        written = self.cache.set_many_if_newer(
            {supply_cache_key(i): e for i, e in entries.items()}, self.ttl_seconds
        )
        return {i for i in entries if supply_cache_key(i) in written}

    def refresh_written(self, item_ids: Sequence[str]) -> None:
        """After a write: store what the store holds now, so no earlier read can land.

        If that re-read fails the write has still happened and must still be answered,
        so the entries are deleted instead (the older guarantee: fresh unless a reader
        older than the write stores in between)."""
        wanted = list(dict.fromkeys(item_ids))
        if not wanted:
            return
        try:
            fetched = self._read(wanted)
        except Exception:  # noqa: BLE001 - the write is done; fall back to deleting
            log.warning("re-reading %d written items failed; deleting their entries", len(wanted))
            self.cache.delete_many([supply_cache_key(i) for i in wanted])
            return
        self.remember_many(fetched)

    def _read(self, item_ids: Sequence[str]) -> dict[str, list[SupplyRecord]]:
        fetched: dict[str, list[SupplyRecord]] = {i: [] for i in item_ids}
        for start in range(0, len(item_ids), MAX_BATCH_ITEMS):
            for record in self.repo.records_for_items(item_ids[start : start + MAX_BATCH_ITEMS]):
                fetched[record.item_id].append(record)
        return fetched
