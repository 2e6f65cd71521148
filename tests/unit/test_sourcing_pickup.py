"""Store pickup readiness and hold (dates in 2026): pick-and-pack inside business hours,
a same-day cutoff, closed days, processing days; and the nearest stores with the items."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from shared.calendar import HolidaySet
from shared.sourcing.calendars import NodeSchedule, WorkCalendar
from shared.sourcing.model import NodeSupply
from shared.sourcing.pickup import pickup_stores, ready_by
from shared.sourcing.screening import Eligible

HOURS = {
    **{d: (time(10, 0), time(21, 0)) for d in ("MON", "TUE", "WED", "THU", "FRI", "SAT")},
    "SUN": (time(11, 0), time(19, 0)),
}
EVERY_DAY = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def store(**changes: Any) -> NodeSchedule:
    values: dict[str, Any] = {
        "time_zone": "America/New_York",
        "cutoff": time(17, 0),
        "pick_pack_minutes": 45,
        "business_hours": HOURS,
        "processing_calendar": WorkCalendar(
            weekdays=EVERY_DAY, holidays=HolidaySet(only=("Thanksgiving Day", "Christmas Day"))
        ),
    }
    values.update(changes)
    return NodeSchedule(**values)


@pytest.mark.parametrize(
    ("order", "changes", "ready"),
    [
        ("2026-03-03T12:00-05:00", {}, "2026-03-03T12:45:00-05:00"),
        ("2026-03-03T08:00-05:00", {}, "2026-03-03T10:45:00-05:00"),
        ("2026-03-03T16:59-05:00", {}, "2026-03-03T17:44:00-05:00"),
        ("2026-03-03T17:00-05:00", {}, "2026-03-04T10:45:00-05:00"),
        ("2026-03-03T20:30-05:00", {"cutoff": time(21, 0)}, "2026-03-04T10:45:00-05:00"),
        ("2026-03-08T09:00-04:00", {}, "2026-03-08T11:45:00-04:00"),
        ("2026-11-25T18:00-05:00", {}, "2026-11-27T10:45:00-05:00"),
        ("2026-03-03T12:00-05:00", {"processing_days": 1}, "2026-03-04T10:45:00-05:00"),
        ("2026-03-03T23:30-08:00", {}, "2026-03-04T10:45:00-05:00"),
        ("2026-03-03T12:00-05:00", {"business_hours": {}}, "2026-03-03T12:45:00-05:00"),
        (
            "2026-03-03T12:00-05:00",
            {"cutoffs": {"STORE_PICKUP": time(11, 0)}},
            "2026-03-04T10:45:00-05:00",
        ),
    ],
    ids=[
        "midday",
        "before-opening",
        "one-minute-before-cutoff",
        "at-cutoff",
        "ready-after-closing",
        "sunday-hours",
        "thanksgiving-closed",
        "processing-day",
        "another-zone-the-evening-before",
        "no-hours-around-the-clock",
        "pickup-cutoff",
    ],
)
def test_ready_by(order: str, changes: dict[str, Any], ready: str) -> None:
    assert ready_by(datetime.fromisoformat(order), store(**changes)).isoformat() == ready


def eligible(node_id: str, miles: float, stock: dict[str, float]) -> Eligible:
    node = NodeSupply(node_id=node_id, node_type="STORE", latitude=0, longitude=0, schedule=store())
    return Eligible(node=node, stock=stock, distance=miles, priority=0)


def test_the_nearest_stores_with_the_whole_cart_held_five_days() -> None:
    found = pickup_stores(
        [
            eligible("FAR", 12.0, {"A": 5, "B": 5}),
            eligible("NEAR_PARTIAL", 1.0, {"A": 5}),
            eligible("NEAR", 2.5, {"A": 2, "B": 1}),
            eligible("MID", 6.0, {"A": 9, "B": 9}),
        ],
        {"A": 2, "B": 1},
        datetime.fromisoformat("2026-03-03T12:00-05:00"),
        hold_days=5,
        limit=2,
    )
    assert [
        (s.ship_node, s.distance_miles, s.ready_by.isoformat(), s.hold_until) for s in found
    ] == [
        ("NEAR", 2.5, "2026-03-03T12:45:00-05:00", date(2026, 3, 8)),
        ("MID", 6.0, "2026-03-03T12:45:00-05:00", date(2026, 3, 8)),
    ]
