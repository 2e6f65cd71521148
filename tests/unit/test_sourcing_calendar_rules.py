"""The calendar rules retailers and carriers really run (dates are in 2026).

Holiday sets are explicit (none, a country's, a named list; default the parcel carriers'
six), names match exactly, a calendar re-opens and closes days, a pickup is never on a
day the node is closed, a node's pick-and-pack time bounds the first slot, and a level
of service may have its own cutoff. Base as in test_sourcing_dates: a New York node
(cutoff 14:00) and a ground service collecting at 17:00, 2 transit days.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from shared.calendar import HolidaySet, holiday_names
from shared.sourcing.calendars import PickupCalendar, WorkCalendar
from shared.sourcing.dates import promise_delivery
from tests.unit.test_sourcing_dates import WEEK, at, node, service

MON_SAT = (*WEEK, "SAT")
FEDERAL = HolidaySet(country="US")
DAILY = {d: (time(17, 0),) for d in MON_SAT}

CASES = [
    # id, order instant, node changes, service changes, (ship date, delivery date)
    (
        "saturday-before-presidents-day-default-set",
        "2026-02-14T15:00-05:00",
        {"processing_calendar": WorkCalendar(weekdays=MON_SAT)},
        {"pickup_calendar": PickupCalendar(slots=DAILY)},
        ("2026-02-16", "2026-02-18"),
    ),
    (
        "saturday-before-presidents-day-federal-set",
        "2026-02-14T15:00-05:00",
        {"processing_calendar": WorkCalendar(weekdays=MON_SAT, holidays=FEDERAL)},
        {"pickup_calendar": PickupCalendar(slots=DAILY)},
        ("2026-02-17", "2026-02-19"),
    ),
    (
        "columbus-day-is-a-working-day",
        "2026-10-11T12:00-04:00",
        {},
        {"transit_days": 1},
        ("2026-10-12", "2026-10-13"),
    ),
    (
        "juneteenth-is-a-working-day",
        "2026-06-19T10:00-04:00",
        {},
        {},
        ("2026-06-19", "2026-06-23"),
    ),
    (
        "named-independence-day-is-not-juneteenth",
        "2026-06-19T10:00-04:00",
        {"processing_calendar": WorkCalendar(holidays=HolidaySet(only=("Independence Day",)))},
        {},
        ("2026-06-19", "2026-06-23"),
    ),
    (
        "named-list-closes-its-day",
        "2026-06-19T10:00-04:00",
        {
            "processing_calendar": WorkCalendar(
                holidays=HolidaySet(only=("Juneteenth National Independence Day",))
            )
        },
        {},
        ("2026-06-22", "2026-06-24"),
    ),
    (
        "carrier-reopens-july-3",
        "2026-07-02T15:00-04:00",
        {"processing_calendar": WorkCalendar(open_dates=frozenset({date(2026, 7, 3)}))},
        {
            "transit_days": 1,
            "pickup_calendar": PickupCalendar(
                slots={d: (time(17, 0),) for d in WEEK}, open_dates=frozenset({date(2026, 7, 3)})
            ),
            "transit_calendar": WorkCalendar(open_dates=frozenset({date(2026, 7, 3)})),
        },
        ("2026-07-03", "2026-07-06"),
    ),
    (
        "warehouse-closed-for-stock-count",
        "2026-03-03T15:00-05:00",
        {"processing_calendar": WorkCalendar(closed_dates=frozenset({date(2026, 3, 4)}))},
        {},
        ("2026-03-05", "2026-03-09"),
    ),
    (
        "no-pickup-on-a-day-the-node-is-closed",
        "2026-03-06T10:00-05:00",
        {"processing_days": 0, "processing_calendar": WorkCalendar(weekdays=("MON", "TUE"))},
        {"pickup_calendar": PickupCalendar(slots=DAILY)},
        ("2026-03-09", "2026-03-11"),
    ),
    (
        "pick-pack-one-minute-before-the-slot-is-not-taken",
        "2026-03-03T13:00-05:00",
        {"pick_pack_minutes": 240},
        {"pickup_calendar": PickupCalendar(slots={d: (time(16, 59),) for d in WEEK})},
        ("2026-03-04", "2026-03-06"),
    ),
    (
        "pick-pack-that-fits",
        "2026-03-03T13:00-05:00",
        {"pick_pack_minutes": 240},
        {},
        ("2026-03-03", "2026-03-05"),
    ),
    (
        "air-cutoff-earlier-than-ground",
        "2026-03-03T13:00-05:00",
        {"cutoffs": {"NEXT_DAY": time(12, 0)}},
        {"level_of_service": "NEXT_DAY", "transit_days": 1},
        ("2026-03-04", "2026-03-05"),
    ),
    (
        "ground-keeps-the-node-cutoff",
        "2026-03-03T13:00-05:00",
        {"cutoffs": {"NEXT_DAY": time(12, 0)}},
        {},
        ("2026-03-03", "2026-03-05"),
    ),
]


@pytest.mark.parametrize(
    ("order_at", "node_changes", "service_changes", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in CASES],
)
def test_calendar_rules(
    order_at: str,
    node_changes: dict[str, Any],
    service_changes: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    carrier = service(**service_changes)
    promise = promise_delivery(at(order_at), node(**node_changes), carrier, carrier.transit_days)
    assert (promise.ship_date.isoformat(), promise.delivery_date.isoformat()) == expected


@pytest.mark.parametrize(
    ("holidays", "days"),
    [
        (None, 0),
        (HolidaySet(country="US"), 11),
        (
            HolidaySet(
                only=(
                    "New Year's Day",
                    "Memorial Day",
                    "Independence Day",
                    "Labor Day",
                    "Thanksgiving Day",
                    "Christmas Day",
                )
            ),
            6,
        ),
    ],
    ids=["none", "federal", "parcel-six"],
)
def test_how_many_weekdays_a_holiday_set_closes_in_2026(
    holidays: HolidaySet | None, days: int
) -> None:
    calendar = WorkCalendar(holidays=holidays)
    year = [date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(365)]
    weekdays = [d for d in year if d.weekday() < 5]
    assert sum(1 for d in weekdays if not calendar.is_open(d)) == days


def test_the_default_is_the_parcel_carriers_six() -> None:
    assert WorkCalendar().holidays == HolidaySet(
        only=(
            "New Year's Day",
            "Memorial Day",
            "Independence Day",
            "Labor Day",
            "Thanksgiving Day",
            "Christmas Day",
        )
    )
    assert "Thanksgiving" not in holiday_names("US", None)
    assert "Thanksgiving Day" in holiday_names("US", None)
