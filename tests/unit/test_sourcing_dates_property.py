"""The promise against an independent implementation on random calendars and instants.

The reference does not share the calculator's loops: it lists every open day of each
calendar over a window first (reading the ``holidays`` tables directly, names matched
exactly, an observed day following its holiday, re-opened days kept), lists every pickup
slot of the window as a UTC instant on the days the node itself is open, and then indexes
into those lists. The calendars draw holiday sets (none, a country's, named lists, the
parcel carriers' six), exceptions both ways, per-level cutoffs and pick-and-pack times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.calendar import PARCEL_CARRIER_HOLIDAYS, WEEKDAYS, HolidaySet
from shared.errors import RuleViolation
from shared.sourcing.calendars import (
    NodeSchedule,
    PickupCalendar,
    WorkCalendar,
)
from shared.sourcing.dates import promise_delivery
from shared.sourcing.model import CarrierService

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Europe/Berlin",
    "Australia/Lord_Howe",
)
WINDOW = 90
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2027, 12, 1, tzinfo=UTC)

holiday_sets = st.sampled_from(
    [
        None,
        HolidaySet(),
        HolidaySet(subdivision="CA"),
        HolidaySet(country="DE"),
        PARCEL_CARRIER_HOLIDAYS,
        HolidaySet(only=("Independence Day", "Juneteenth National Independence Day")),
        HolidaySet(only=("Columbus Day",)),
    ]
)
LEVELS = ("STANDARD", "NEXT_DAY")
weekday_sets = st.sets(st.sampled_from(WEEKDAYS), min_size=1).map(
    lambda s: tuple(d for d in WEEKDAYS if d in s)
)


@st.composite
def closed_dates(draw: st.DrawFn) -> frozenset[date]:
    base = date(2024, 12, 20)
    offsets = draw(st.sets(st.integers(0, 1150), max_size=25))
    return frozenset(base + timedelta(days=o) for o in offsets)


@st.composite
def work_calendars(draw: st.DrawFn) -> WorkCalendar:
    return WorkCalendar(
        weekdays=draw(weekday_sets),
        closed_dates=draw(closed_dates()),
        open_dates=draw(closed_dates()),
        holidays=draw(holiday_sets),
    )


times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def services(draw: st.DrawFn) -> CarrierService:
    days = draw(weekday_sets)
    slots = {d: tuple(draw(st.lists(times, min_size=1, max_size=3))) for d in days}
    return CarrierService(
        id="svc",
        carrier_service_code="SVC",
        level_of_service=draw(st.sampled_from(LEVELS)),
        enterprise_code="E",
        is_hazmat=True,
        pickup_calendar=PickupCalendar(
            slots=slots,
            closed_dates=draw(closed_dates()),
            open_dates=draw(closed_dates()),
            holidays=draw(holiday_sets),
        ),
        transit_calendar=draw(work_calendars()),
        delivery_calendar=draw(work_calendars()),
        transit_days=draw(st.integers(0, 6)),
        additional_transit_days=draw(st.integers(0, 2)),
        notification_lead_minutes=draw(st.integers(0, 3 * 24 * 60)),
    )


@st.composite
def schedules(draw: st.DrawFn) -> NodeSchedule:
    return NodeSchedule(
        time_zone=draw(st.sampled_from(ZONES)),
        cutoff=draw(times),
        cutoffs=draw(st.dictionaries(st.sampled_from(LEVELS), times, max_size=2)),
        processing_days=draw(st.integers(0, 3)),
        pick_pack_minutes=draw(st.sampled_from([0, 0, 30, 90, 240])),
        processing_calendar=draw(work_calendars()),
    )


instants = st.integers(0, int((END - START).total_seconds())).map(
    lambda s: START + timedelta(seconds=s)
)


def holiday_table(hs: HolidaySet | None, first: date) -> set[date]:
    if hs is None:
        return set()
    table = holidays.country_holidays(
        hs.country, subdiv=hs.subdivision, years=range(first.year, first.year + 2)
    )
    return {
        d
        for d, names in table.items()
        if hs.only is None
        or any(n.replace(" (observed)", "") in hs.only for n in names.split("; "))
    }


def open_days(calendar: WorkCalendar, first: date) -> list[date]:
    """Every open day from ``first`` over the window, in order."""
    table = holiday_table(calendar.holidays, first) - set(calendar.open_dates)
    names = [WEEKDAYS[i] for i in range(7)]
    days = [first + timedelta(days=i) for i in range(WINDOW * 4)]
    return [
        d
        for d in days
        if names[d.isoweekday() - 1] in calendar.weekdays
        and d not in calendar.closed_dates
        and d not in table
    ]


def reference(
    order_at: datetime, schedule: NodeSchedule, service: CarrierService
) -> tuple[date, datetime, date] | None:
    """``None`` when no pickup slot of the window falls on a day the node is open."""
    zone = ZoneInfo(schedule.time_zone)
    local = datetime.fromtimestamp(order_at.timestamp(), zone)
    processing = open_days(schedule.processing_calendar, local.date())
    cutoff = schedule.cutoffs.get(service.level_of_service, schedule.cutoff)
    if processing[0] == local.date() and local.timetz().replace(tzinfo=None) < cutoff:
        index = 0
    else:
        index = next(i for i, d in enumerate(processing) if d > local.date())
    ready = processing[index + schedule.processing_days]

    pickup = service.pickup_calendar
    closed = set(pickup.closed_dates) | (holiday_table(pickup.holidays, ready) - pickup.open_dates)
    node_open = set(processing)
    wait = max(service.notification_lead_minutes, schedule.pick_pack_minutes)
    earliest = order_at + timedelta(minutes=wait)
    slots = sorted(
        datetime(d.year, d.month, d.day, t.hour, t.minute, tzinfo=zone).astimezone(UTC)
        for d in (ready + timedelta(days=i) for i in range(WINDOW * 3))
        if d not in closed and d in node_open
        for t in pickup.slots.get(WEEKDAYS[d.weekday()], ())
    )
    taken = next((s for s in slots if s >= earliest), None)
    if taken is None:
        return None
    pickup_at = taken.astimezone(zone)
    ship = pickup_at.date()

    n = service.transit_days + service.additional_transit_days
    transit = [d for d in open_days(service.transit_calendar, ship) if d > ship]
    arrives = transit[n - 1] if n else ship
    delivery = open_days(service.delivery_calendar, arrives)[0]
    return ship, pickup_at, delivery


@settings(max_examples=3000, deadline=None)
@given(order_at=instants, schedule=schedules(), service=services())
def test_promise_matches_reference(
    order_at: datetime, schedule: NodeSchedule, service: CarrierService
) -> None:
    expected = reference(order_at, schedule, service)
    if expected is None:
        with pytest.raises(RuleViolation):
            promise_delivery(order_at, schedule, service, service.transit_days)
        return
    promise = promise_delivery(order_at, schedule, service, service.transit_days)
    ship, pickup_at, delivery = expected
    assert (promise.ship_date, promise.pickup_at, promise.delivery_date) == (
        ship,
        pickup_at,
        delivery,
    )
