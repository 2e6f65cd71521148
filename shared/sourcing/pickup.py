"""Store pickup: when an order can be collected at a store, and how long it is held.

Pure. An order placed on a day the store is open, before its same-day cutoff, is ready
after the store's pick-and-pack time, but never before the store opens; one that would
be ready after closing, or that comes after the cutoff or on a closed day, is ready that
long after opening on the next open day (after the store's processing days, if any). A
store without business hours hands orders over around the clock. The order is held from
its ready day for the rule's hold days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.calendar import weekday_of
from shared.errors import RuleViolation
from shared.sourcing.calendars import NodeSchedule
from shared.sourcing.model import PickupStore
from shared.sourcing.screening import Eligible

HORIZON_DAYS = 400
PICKUP_LEVEL = "STORE_PICKUP"


def _hours(schedule: NodeSchedule, day: date) -> tuple[time, time] | None:
    """Opening and closing time on ``day``; ``None`` when the store is closed then."""
    if not schedule.processing_calendar.is_open(day):
        return None
    if not schedule.business_hours:
        return time(0, 0), time(23, 59, 59)
    return schedule.business_hours.get(weekday_of(day))


def ready_by(order_at: datetime, schedule: NodeSchedule) -> datetime:
    """The instant the order can be collected, in the store's own time. An open day
    before the cutoff is day zero (as for shipping, ``dates.ready_date``)."""
    zone = ZoneInfo(schedule.time_zone)
    local = order_at.astimezone(zone)
    work = timedelta(minutes=schedule.pick_pack_minutes)
    today = local.date()
    hours = _hours(schedule, today)
    in_time = hours is not None and local.time() < schedule.cutoff_for(PICKUP_LEVEL)
    if in_time and hours is not None and schedule.processing_days == 0:
        ready = max(local, datetime.combine(today, hours[0], zone)) + work
        if ready.date() == today and ready.timetz().replace(tzinfo=None) <= hours[1]:
            return ready
    day = today if in_time else _next_open(schedule, today)
    for _ in range(schedule.processing_days):
        day = _next_open(schedule, day)
    if day == today:  # ready after closing: the next open day
        day = _next_open(schedule, day)
    opening = _hours(schedule, day)
    assert opening is not None
    return datetime.combine(day, opening[0], zone) + work


def _next_open(schedule: NodeSchedule, day: date) -> date:
    for _ in range(HORIZON_DAYS):
        day += timedelta(days=1)
        if _hours(schedule, day) is not None:
            return day
    raise RuleViolation(f"the store has no open day within {HORIZON_DAYS} days")


def pickup_stores(
    eligible: Sequence[Eligible],
    wanted: dict[str, int],
    order_at: datetime,
    *,
    hold_days: int,
    limit: int,
) -> tuple[PickupStore, ...]:
    """The ``limit`` nearest eligible stores holding every item of the cart in full."""
    out: list[PickupStore] = []
    for e in sorted(eligible, key=lambda e: (e.distance, e.node.node_id)):
        if any(e.stock.get(item, 0) < qty for item, qty in wanted.items()):
            continue
        try:
            ready = ready_by(order_at, e.node.schedule)
        except RuleViolation:
            continue
        out.append(
            PickupStore(
                ship_node=e.node.node_id,
                distance_miles=e.distance,
                ready_by=ready,
                hold_until=ready.date() + timedelta(days=hold_days),
            )
        )
        if len(out) == limit:
            break
    return tuple(out)
