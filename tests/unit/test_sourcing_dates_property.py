"""The promise against an independent implementation on random calendars and instants.

The reference does not share the calculator's loops: it lists every open day of each
calendar over a window first (reading the ``holidays`` tables directly), lists every
pickup slot of the window as a UTC instant, and then indexes into those lists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.sourcing.calendars import (
    WEEKDAYS,
    HolidaySet,
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
    [None, HolidaySet(), HolidaySet(subdivision="CA"), HolidaySet(country="DE")]
)
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
        level_of_service="STANDARD",
        enterprise_code="E",
        is_hazmat=True,
        pickup_calendar=PickupCalendar(
            slots=slots, closed_dates=draw(closed_dates()), holidays=draw(holiday_sets)
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
        processing_days=draw(st.integers(0, 3)),
        processing_calendar=draw(work_calendars()),
    )


instants = st.integers(0, int((END - START).total_seconds())).map(
    lambda s: START + timedelta(seconds=s)
)


def open_days(calendar: WorkCalendar, first: date) -> list[date]:
    """Every open day from ``first`` over the window, in order."""
    table: set[date] = set()
    if calendar.holidays is not None:
        hs = calendar.holidays
        table = set(
            holidays.country_holidays(
                hs.country, subdiv=hs.subdivision, years=range(first.year, first.year + 2)
            )
        )
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
) -> tuple[date, datetime, date]:
    zone = ZoneInfo(schedule.time_zone)
    local = datetime.fromtimestamp(order_at.timestamp(), zone)
    processing = open_days(schedule.processing_calendar, local.date())
    if processing[0] == local.date() and local.timetz().replace(tzinfo=None) < schedule.cutoff:
        index = 0
    else:
        index = next(i for i, d in enumerate(processing) if d > local.date())
    ready = processing[index + schedule.processing_days]

    pickup = service.pickup_calendar
    closed = set(pickup.closed_dates)
    if pickup.holidays is not None:
        closed |= set(
            holidays.country_holidays(
                pickup.holidays.country,
                subdiv=pickup.holidays.subdivision,
                years=range(ready.year, ready.year + 2),
            )
        )
    earliest = order_at + timedelta(minutes=service.notification_lead_minutes)
    slots = sorted(
        datetime(d.year, d.month, d.day, t.hour, t.minute, tzinfo=zone).astimezone(UTC)
        for d in (ready + timedelta(days=i) for i in range(WINDOW * 3))
        if d not in closed
        for t in pickup.slots.get(WEEKDAYS[d.weekday()], ())
    )
    pickup_at = next(s for s in slots if s >= earliest).astimezone(zone)
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
    promise = promise_delivery(order_at, schedule, service, service.transit_days)
    ship, pickup_at, delivery = reference(order_at, schedule, service)
    assert (promise.ship_date, promise.pickup_at, promise.delivery_date) == (
        ship,
        pickup_at,
        delivery,
    )
