"""The catalog's copy of availability, and the marks that keep it read-your-writes.

A product page asks for the stock of every variant, so the catalog keeps the capped
level per enterprise and SKU for ``CATALOG_AVAILABILITY_TTL_SECONDS`` (one cache read
for a page instead of inventory's records and node list). ``InventoryChanged`` refreshes
those entries, but it arrives after the write was acknowledged; in between the copy
would show the old stock. So every inventory write path also leaves a *mark* (through
the composition root): a stamp per SKU, or per enterprise when a ship node changed.
An entry counts only if its backend read began after every mark that applies to it.
Marks are read in the same round trip as the entries, and no reader can undo one: a
reader that began before the write and stores the old level afterwards still loses,
which deleting the entry could not guarantee.

A hold's expiry changes stock with no write and no event, so a level carries when it
stops being true (``StockLevel.valid_until``, the earliest expiry of a hold counted in
it): its entry is kept no longer than that, and not trusted past it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from shared.catalog.cache import PREFIX
from shared.catalog.lookups import AvailabilityLookup, StockLevel
from shared.catalog.stamps import read_stamp
from shared.ports import Cache, Clock

MARK_GRACE_SECONDS = 300
"""How much longer than an entry a mark lives: an entry written by a reader that began
before the mark is stored at most one request later, and no HTTP request outlives
Azure's 230-second front-end timeout."""


def availability_key(enterprise: str, sku: str) -> str:
    return f"{PREFIX}availability:{enterprise}:{sku}"


def sku_mark_key(sku: str) -> str:
    return f"{PREFIX}stock-mark:sku:{sku}"


def enterprise_mark_key(enterprise: str) -> str:
    return f"{PREFIX}stock-mark:enterprise:{enterprise}"


class StockMarks:
    """What inventory's write paths call, after their own write and cache delete."""

    def __init__(self, cache: Cache, availability_ttl: int, clock: Clock) -> None:
        self.cache = cache
        self.availability_ttl = availability_ttl
        self.clock = clock

    @property
    def ttl(self) -> int:
        return self.availability_ttl + MARK_GRACE_SECONDS

    def items_changed(self, skus: Sequence[str]) -> None:
        """One cache round trip for all of ``skus``; nothing when the catalog keeps no
        copy (TTL 0)."""
        if self.availability_ttl <= 0 or not skus:
            return
        stamp = read_stamp(self.clock)
        self.cache.set_many_if_newer(
            {sku_mark_key(s): (stamp, stamp) for s in dict.fromkeys(skus)}, self.ttl
        )

    def enterprise_changed(self, enterprise: str) -> None:
        """A ship node changed: every SKU of the enterprise may read differently."""
        if self.availability_ttl <= 0:
            return
        stamp = read_stamp(self.clock)
        self.cache.set_if_newer(enterprise_mark_key(enterprise), stamp, stamp, self.ttl)


class StockCache:
    def __init__(self, cache: Cache, ttl: int, clock: Clock) -> None:
        self.cache = cache
        self.ttl = ttl
        self.clock = clock

    def levels(
        self, lookup: AvailabilityLookup, enterprise: str, skus: Sequence[str]
    ) -> dict[str, StockLevel | None]:
        """Trusted cached levels, and one lookup for the rest; ``None`` = unknown to
        inventory. One cache read (entries and marks together) per call.

        With a TTL of 0 the catalog keeps no copy and every request asks inventory,
        whose own cache is refreshed on its write path."""
        wanted = list(dict.fromkeys(skus))
        if self.ttl <= 0:
            fetched = lookup.get_stock_levels(enterprise, wanted)
            return {sku: fetched.get(sku) for sku in wanted}
        levels = self._trusted(enterprise, wanted)
        missing = [s for s in wanted if s not in levels]
        if missing:
            levels.update(self.refresh(lookup, enterprise, missing))
        return levels

    def refresh(
        self, lookup: AvailabilityLookup, enterprise: str, skus: Sequence[str]
    ) -> dict[str, StockLevel | None]:
        """Ask inventory and store what it said, stamped with when the read began (an
        older reader's write loses, and so does any read older than a mark)."""
        stamp = read_stamp(self.clock)
        fetched: Mapping[str, StockLevel] = lookup.get_stock_levels(enterprise, skus)
        out: dict[str, StockLevel | None] = {sku: fetched.get(sku) for sku in skus}
        if out and self.ttl > 0:
            self._store(enterprise, out, stamp)
        return out

    def _store(self, enterprise: str, levels: Mapping[str, StockLevel | None], stamp: int) -> None:
        """One write for the levels that hold for the whole TTL, one more (at most) for
        those a hold's expiry ends sooner, kept until the earliest of those expiries:
        ``_trusted`` refuses each past its own ``valid_until`` either way."""
        lasting: dict[str, tuple[Any, int]] = {}
        ending: dict[str, tuple[Any, int]] = {}
        ends: list[float] = []
        for sku, level in levels.items():
            entry = (_entry(level, stamp), stamp)
            if level is None or level.valid_until is None:
                lasting[availability_key(enterprise, sku)] = entry
            else:
                ending[availability_key(enterprise, sku)] = entry
                ends.append(level.valid_until)
        if lasting:
            self.cache.set_many_if_newer(lasting, self.ttl)
        if ending:
            left = math.ceil(min(ends) - self.clock.time())
            self.cache.set_many_if_newer(ending, max(1, min(self.ttl, left)))

    def refresh_held(self, lookup: AvailabilityLookup, enterprise: str, skus: Sequence[str]) -> int:
        """``InventoryChanged``: refresh the entries this cache holds among ``skus``;
        SKUs nobody asked about are left alone. Returns how many were refreshed."""
        if self.ttl <= 0:
            return 0
        keys = {availability_key(enterprise, s): s for s in dict.fromkeys(skus)}
        held = [keys[k] for k in self.cache.get_many(list(keys))]
        if held:
            self.refresh(lookup, enterprise, held)
        return len(held)

    def _trusted(self, enterprise: str, skus: Sequence[str]) -> dict[str, StockLevel | None]:
        entry_keys = [availability_key(enterprise, s) for s in skus]
        mark_keys = [sku_mark_key(s) for s in skus]
        hits = self.cache.get_many([*entry_keys, *mark_keys, enterprise_mark_key(enterprise)])
        floor = _stamp(hits.get(enterprise_mark_key(enterprise)))
        now = self.clock.time()
        levels: dict[str, StockLevel | None] = {}
        for sku, entry_key, mark_key in zip(skus, entry_keys, mark_keys, strict=True):
            entry = hits.get(entry_key)
            if (
                isinstance(entry, dict)
                and _stamp(entry.get("at")) > max(floor, _stamp(hits.get(mark_key)))
                and _until(entry) > now
            ):
                levels[sku] = _level(entry)
        return levels


def _stamp(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _until(entry: dict[str, Any]) -> float:
    """An entry without ``until`` (or with a malformed one) holds until its TTL."""
    until = entry.get("until")
    if isinstance(until, int | float) and not isinstance(until, bool):
        return float(until)
    return math.inf


def _entry(level: StockLevel | None, stamp: int) -> dict[str, Any]:
    """``known: false`` is cached too: a SKU inventory does not know is asked once."""
    if level is None:
        return {"known": False, "at": stamp}
    entry = {"known": True, "status": level.status, "available": level.available, "at": stamp}
    return entry if level.valid_until is None else entry | {"until": level.valid_until}


def _level(entry: dict[str, Any]) -> StockLevel | None:
    if not entry.get("known"):
        return None
    until = _until(entry)
    return StockLevel(
        status=str(entry["status"]),
        available=entry.get("available"),
        valid_until=None if until == math.inf else until,
    )
