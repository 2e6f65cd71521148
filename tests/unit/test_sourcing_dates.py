"""Delivery-date promises, one row per case the issue lists (dates are in 2026).

Base: a New York node (cutoff 14:00, no processing days, open Monday to Friday except the
six holidays the parcel carriers keep, the default of every calendar) and a ground
service collecting at 17:00 Monday to Friday, 2 transit days, delivering Monday to
Friday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from shared.errors import RuleViolation
from shared.sourcing.calendars import NodeSchedule, PickupCalendar, WorkCalendar
from shared.sourcing.dates import promise_delivery
from shared.sourcing.model import CarrierService

WEEK = ("MON", "TUE", "WED", "THU", "FRI")


def service(**changes: Any) -> CarrierService:
    values: dict[str, Any] = {
        "id": "ground",
        "carrier_service_code": "GROUND",
        "level_of_service": "STANDARD",
        "enterprise_code": "BEAUTY",
        "pickup_calendar": PickupCalendar(slots={d: (time(17, 0),) for d in WEEK}),
        "transit_days": 2,
    }
    values.update(changes)
    return CarrierService(**values)


def node(**changes: Any) -> NodeSchedule:
    values: dict[str, Any] = {"time_zone": "America/New_York", "cutoff": time(14, 0)}
    values.update(changes)
    return NodeSchedule(**values)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


CASES = [
    # id, order instant, node changes, service changes, (ship date, delivery date)
    ("before-cutoff", "2026-03-03T13:59-05:00", {}, {}, ("2026-03-03", "2026-03-05")),
    ("at-cutoff-is-after", "2026-03-03T14:00-05:00", {}, {}, ("2026-03-04", "2026-03-06")),
    ("after-cutoff", "2026-03-03T16:00-05:00", {}, {}, ("2026-03-04", "2026-03-06")),
    ("friday-after-cutoff", "2026-03-06T15:00-05:00", {}, {}, ("2026-03-09", "2026-03-11")),
    ("saturday", "2026-03-07T10:00-05:00", {}, {}, ("2026-03-09", "2026-03-11")),
    ("sunday-utc-monday", "2026-03-02T03:00Z", {}, {}, ("2026-03-02", "2026-03-04")),
    ("memorial-day-processing", "2026-05-22T15:00-04:00", {}, {}, ("2026-05-26", "2026-05-28")),
    ("memorial-day-transit", "2026-05-22T10:00-04:00", {}, {}, ("2026-05-22", "2026-05-27")),
    (
        "july-3-observed",
        "2026-07-02T10:00-04:00",
        {},
        {"transit_days": 1},
        ("2026-07-02", "2026-07-06"),
    ),
    (
        "holidays-ignored-when-none",
        "2026-05-22T15:00-04:00",
        {"processing_calendar": WorkCalendar(holidays=None)},
        {
            "pickup_calendar": PickupCalendar(
                slots={d: (time(17, 0),) for d in WEEK}, holidays=None
            ),
            "transit_calendar": WorkCalendar(holidays=None),
        },
        ("2026-05-25", "2026-05-27"),
    ),
    (
        "processing-closed-date",
        "2026-03-03T10:00-05:00",
        {"processing_calendar": WorkCalendar(closed_dates=frozenset({date(2026, 3, 3)}))},
        {},
        ("2026-03-04", "2026-03-06"),
    ),
    (
        "processing-days",
        "2026-03-05T10:00-05:00",
        {"processing_days": 2},
        {},
        ("2026-03-09", "2026-03-11"),
    ),
    (
        "pickup-weekday-without-slot",
        "2026-03-03T10:00-05:00",
        {},
        {
            "pickup_calendar": PickupCalendar(
                slots={d: (time(17, 0),) for d in ("MON", "WED", "FRI")}
            )
        },
        ("2026-03-04", "2026-03-06"),
    ),
    (
        "pickup-closed-date",
        "2026-03-03T10:00-05:00",
        {},
        {
            "pickup_calendar": PickupCalendar(
                slots={d: (time(17, 0),) for d in ("MON", "WED", "FRI")},
                closed_dates=frozenset({date(2026, 3, 4)}),
            )
        },
        ("2026-03-06", "2026-03-10"),
    ),
    (
        "lead-fits",
        "2026-03-03T13:30-05:00",
        {},
        {"notification_lead_minutes": 210},
        ("2026-03-03", "2026-03-05"),
    ),
    (
        "lead-misses-slot",
        "2026-03-03T13:30-05:00",
        {},
        {"notification_lead_minutes": 240},
        ("2026-03-04", "2026-03-06"),
    ),
    (
        "lead-takes-later-slot",
        "2026-03-03T10:00-05:00",
        {},
        {
            "notification_lead_minutes": 180,
            "pickup_calendar": PickupCalendar(slots={d: (time(12, 0), time(17, 0)) for d in WEEK}),
        },
        ("2026-03-03", "2026-03-05"),
    ),
    (
        "additional-transit-days",
        "2026-03-03T10:00-05:00",
        {},
        {"additional_transit_days": 1},
        ("2026-03-03", "2026-03-06"),
    ),
    (
        "roll-to-delivery-day",
        "2026-03-05T10:00-05:00",
        {},
        {
            "transit_days": 2,
            "transit_calendar": WorkCalendar(weekdays=(*WEEK, "SAT")),
            "delivery_calendar": WorkCalendar(weekdays=WEEK),
        },
        ("2026-03-05", "2026-03-09"),
    ),
    (
        "saturday-delivery",
        "2026-03-05T10:00-05:00",
        {},
        {
            "transit_days": 2,
            "transit_calendar": WorkCalendar(weekdays=(*WEEK, "SAT")),
            "delivery_calendar": WorkCalendar(weekdays=(*WEEK, "SAT")),
        },
        ("2026-03-05", "2026-03-07"),
    ),
    # Daylight saving: 8 March and 1 November 2026 in the US. A wrong (standard or
    # daylight) offset would put each of these orders on the other side of the cutoff.
    ("ny-spring-forward", "2026-03-09T18:30Z", {}, {}, ("2026-03-10", "2026-03-12")),
    ("ny-fall-back", "2026-11-02T18:30Z", {}, {}, ("2026-11-02", "2026-11-04")),
    (
        "la-spring-forward",
        "2026-03-09T21:30Z",
        {"time_zone": "America/Los_Angeles"},
        {},
        ("2026-03-10", "2026-03-12"),
    ),
    (
        "la-fall-back",
        "2026-11-02T21:30Z",
        {"time_zone": "America/Los_Angeles"},
        {},
        ("2026-11-02", "2026-11-04"),
    ),
    (
        "la-late-evening-is-previous-day",
        "2026-03-10T03:00Z",
        {"time_zone": "America/Los_Angeles"},
        {},
        ("2026-03-10", "2026-03-12"),
    ),
    (
        "phoenix-has-no-dst",
        "2026-03-09T20:30Z",
        {"time_zone": "America/Phoenix"},
        {},
        ("2026-03-09", "2026-03-11"),
    ),
]


@pytest.mark.parametrize(
    ("order", "node_changes", "service_changes", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in CASES],
)
def test_promise(
    order: str,
    node_changes: dict[str, Any],
    service_changes: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    promise = promise_delivery(
        at(order),
        node(**node_changes),
        service(**service_changes),
        service(**service_changes).transit_days,
    )
    assert (promise.ship_date.isoformat(), promise.delivery_date.isoformat()) == expected


@pytest.mark.parametrize(
    ("order", "zone", "pickup_utc"),
    [
        pytest.param("2026-03-09T18:30Z", "America/New_York", "2026-03-10T21:00Z", id="ny-edt"),
        pytest.param("2026-11-02T18:30Z", "America/New_York", "2026-11-02T22:00Z", id="ny-est"),
        pytest.param("2026-03-09T21:30Z", "America/Los_Angeles", "2026-03-11T00:00Z", id="la-pdt"),
        pytest.param("2026-11-02T21:30Z", "America/Los_Angeles", "2026-11-03T01:00Z", id="la-pst"),
    ],
)
def test_pickup_is_wall_clock_time(order: str, zone: str, pickup_utc: str) -> None:
    promise = promise_delivery(at(order), node(time_zone=zone), service(), 2)
    assert promise.pickup_at.astimezone(UTC) == at(pickup_utc)


def test_slot_in_spring_forward_gap_is_taken_after_the_gap() -> None:
    sunday_night = service(pickup_calendar=PickupCalendar(slots={"SUN": (time(2, 30),)}))
    open_all_week = WorkCalendar(weekdays=("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))
    promise = promise_delivery(
        at("2026-03-07T12:00-05:00"),
        node(processing_calendar=open_all_week),
        sunday_night,
        0,
    )
    assert promise.pickup_at.astimezone(UTC) == at("2026-03-08T07:30Z")
    # As the node's wall clock shows that instant: 02:30 does not exist that night.
    assert promise.pickup_at.isoformat() == "2026-03-08T03:30:00-04:00"


@pytest.mark.parametrize(
    ("hazmat", "carries_hazmat", "allowed"),
    [
        pytest.param(True, False, False, id="hazmat-on-air-refused"),
        pytest.param(True, True, True, id="hazmat-on-ground"),
        pytest.param(False, False, True, id="plain-on-air"),
    ],
)
def test_hazmat(hazmat: bool, carries_hazmat: bool, allowed: bool) -> None:
    svc = service(is_hazmat=carries_hazmat)
    order = at("2026-03-03T10:00-05:00")
    if allowed:
        assert promise_delivery(order, node(), svc, 2, hazmat=hazmat).delivery_date == date(
            2026, 3, 5
        )
    else:
        with pytest.raises(RuleViolation) as caught:
            promise_delivery(order, node(), svc, 2, hazmat=hazmat)
        assert caught.value.code == "HAZMAT_NOT_ALLOWED"


def test_naive_order_instant_is_refused() -> None:
    with pytest.raises(RuleViolation):
        promise_delivery(datetime(2026, 3, 3, 10), node(), service(), 2)


def test_calendar_without_open_day_is_a_rule_violation() -> None:
    everything_closed = WorkCalendar(weekdays=())
    with pytest.raises(RuleViolation) as caught:
        promise_delivery(
            at("2026-03-03T10:00-05:00"),
            node(processing_calendar=everything_closed),
            service(),
            2,
        )
    assert caught.value.message == "the processing calendar has no open day within 400 days"
