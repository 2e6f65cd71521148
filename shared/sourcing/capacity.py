"""Node capacity: how many orders a node can ship on one of its days, counted.

A node may name a daily capacity in orders (any level of service) and per level of
service (air is packed by fewer hands). Each order counts once against the node-local
day it ships, at its level; a node whose day is full is not promised that day: the
planner tries its next days (``NEXT_DAYS``), and a node full on all of them is rejected
with ``PAST_CAPACITY``. Counting is idempotent by the order's reference: a replayed
order counts once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from shared.errors import Conflict, RuleViolation
from shared.ports import DocumentStore, Filter, PatchOp
from shared.sourcing.calendars import NodeSchedule
from shared.sourcing.dates import Promise, promise_delivery
from shared.sourcing.model import CarrierService
from shared.sourcing.screening import Eligible
from shared.sourcing.stored import (
    ANY_LEVEL,
    USAGE,
    StoredUsage,
    capacity_container,
    usage_between,
)
from shared.stored import Documents

log = logging.getLogger("shared.sourcing")

NEXT_DAYS = 14
"""How many later days a full node is tried for before it is rejected."""


@dataclass(frozen=True)
class Usage:
    orders: int = 0
    by_level: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Capacity:
    """A node's limits; ``None``: no limit."""

    daily: int | None = None
    by_level: Mapping[str, int] = field(default_factory=dict)

    def full(self, usage: Usage | None, level: str | None) -> bool:
        used = usage or Usage()
        if self.daily is not None and used.orders >= self.daily:
            return True
        limit = self.by_level.get(level) if level is not None else None
        return limit is not None and used.by_level.get(level or "", 0) >= limit


UsageTable = Mapping[tuple[str, date], Usage]


class CapacityLedger:
    """Usage counters per node and local day, in the capacity container."""

    def __init__(self, store: DocumentStore, node_capacity: str) -> None:
        self._store = store
        self._container = node_capacity

    @cached_property
    def _usage(self) -> Documents[StoredUsage]:
        return Documents(self._store.container(capacity_container(self._container)), StoredUsage)

    def usage(self, first: date, days: int) -> dict[tuple[str, date], Usage]:
        """Every node's usage from ``first`` for ``days`` days, in one query."""
        found = self._usage.query(usage_between(first, first + timedelta(days=days)))
        return {
            (s.model.ship_node, s.model.day): Usage(s.model.orders, dict(s.model.by_level))
            for s in found
        }

    def count(self, ref: str, ship_node: str, day: date, level: str | None) -> bool:
        """Count order ``ref`` against the node's day; ``False`` when it already was.

        One patch, conditional on the order not being counted yet, raises the counts
        and records it: exactly once however often it is told."""
        usage_id = f"{ship_node}@{day.isoformat()}"
        counted = USAGE.counted / ref
        ops = [PatchOp("incr", USAGE.orders, 1), PatchOp("set", counted, level or ANY_LEVEL)]
        if level is not None:
            ops.append(PatchOp("incr", USAGE.by_level / level, 1))
        if self._usage.get(usage_id, ship_node) is None:
            with suppress(Conflict):  # another order of the day created it first
                self._usage.create(StoredUsage(id=usage_id, ship_node=ship_node, day=day))
        done = self._usage.try_patch(
            usage_id, ship_node, ops, condition=(Filter(counted, "defined", False),)
        )
        return done is not None

    def release(self, ref: str, ship_node: str, day: date) -> bool:
        """Give back what order ``ref`` counted on the node's day (it was cancelled);
        ``False`` when it was not counted there or was given back already."""
        usage_id = f"{ship_node}@{day.isoformat()}"
        found = self._usage.get(usage_id, ship_node)
        level = found.model.counted.get(ref) if found is not None else None
        if level is None:
            return False
        counted = USAGE.counted / ref
        ops = [PatchOp("incr", USAGE.orders, -1), PatchOp("remove", counted)]
        if level != ANY_LEVEL:
            ops.append(PatchOp("incr", USAGE.by_level / level, -1))
        done = self._usage.try_patch(
            usage_id, ship_node, ops, condition=(Filter(counted, "defined", True),)
        )
        return done is not None


PromiseMemo = dict[tuple[int, int, int, datetime], Promise | RuleViolation]
"""Promises of one calculation by (schedule, service, transit days, instant): a date
depends on nothing else, so nodes sharing a schedule and a zone are dated once."""


def _promise(
    memo: PromiseMemo, at: datetime, schedule: NodeSchedule, service: CarrierService, transit: int
) -> Promise:
    key = (id(schedule), id(service), transit, at)
    found = memo.get(key)
    if found is None:
        try:
            found = promise_delivery(at, schedule, service, transit)
        except RuleViolation as exc:
            found = exc
        memo[key] = found
    if isinstance(found, RuleViolation):
        raise found
    return found


def within_capacity(
    order_at: datetime,
    e: Eligible,
    service: CarrierService,
    usage: UsageTable | None,
    memo: PromiseMemo,
) -> Promise | None:
    """The promise from the node's first day with room for another order at this level
    (from the next day's start when a day is full); ``None``: full on every day tried."""
    node = e.node
    transit = service.transit_days_for(e.distance)
    limits = Capacity(node.daily_capacity, node.capacity_by_level)
    at = order_at
    zone = ZoneInfo(node.schedule.time_zone)
    for _ in range(NEXT_DAYS + 1):
        promise = _promise(memo, at, node.schedule, service, transit)
        used = (usage or {}).get((node.node_id, promise.ship_date))
        if not limits.full(used, service.level_of_service):
            return promise
        at = datetime.combine(promise.ship_date + timedelta(days=1), time(0), zone)
    return None
