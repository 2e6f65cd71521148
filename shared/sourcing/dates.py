"""The delivery date one node and one carrier service can promise, from the order instant.

Everything happens in the node's local time (``zoneinfo``), so a cutoff of 14:00 means
14:00 on the node's wall clock on both sides of a daylight-saving change. Pickup slots
are wall-clock times too: a slot that falls in a spring-forward gap is taken at the same
elapsed instant after the gap (zoneinfo's ``fold=0`` reading), and answered as the wall
clock shows that instant (a 02:30 slot in a gap from 02:00 to 03:00 is 03:30).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.errors import RuleViolation
from shared.sourcing.calendars import NodeSchedule, WorkCalendar
from shared.sourcing.model import CarrierService

HORIZON_DAYS = 400
"""A calendar with no open day within this many days cannot promise anything."""


@dataclass(frozen=True)
class Promise:
    ship_date: date
    pickup_at: datetime
    delivery_date: date


def _next_open(calendar: WorkCalendar, day: date, what: str) -> date:
    """``day`` itself when open, else the next open day."""
    for _ in range(HORIZON_DAYS):
        if calendar.is_open(day):
            return day
        day += timedelta(days=1)
    raise RuleViolation(f"the {what} calendar has no open day within {HORIZON_DAYS} days")


def _add_open_days(calendar: WorkCalendar, day: date, count: int, what: str) -> date:
    for _ in range(count):
        day = _next_open(calendar, day + timedelta(days=1), what)
    return day


def processing_start(order_at: datetime, schedule: NodeSchedule) -> datetime:
    """The node-local order instant (the clock every later step reads)."""
    if order_at.utcoffset() is None:
        raise RuleViolation("the order instant needs a time zone")
    return order_at.astimezone(ZoneInfo(schedule.time_zone))


def ready_date(
    order_at: datetime, schedule: NodeSchedule, level_of_service: str | None = None
) -> date:
    """The local day the node finishes processing: an open day before its cutoff (the
    level of service's, else the node's) counts as day zero; past the cutoff, or on a
    closed day, the next open day does."""
    local = processing_start(order_at, schedule)
    calendar = schedule.processing_calendar
    today = local.date()
    if calendar.is_open(today) and local.time() < schedule.cutoff_for(level_of_service):
        start = today
    else:
        start = _next_open(calendar, today + timedelta(days=1), "processing")
    return _add_open_days(calendar, start, schedule.processing_days, "processing")


def first_pickup(
    ready: date, not_before: datetime, schedule: NodeSchedule, service: CarrierService
) -> datetime:
    """The first slot on or after ``ready`` that is no earlier than ``not_before``, on a
    day the node itself is open (nobody hands a carrier a parcel at a closed node)."""
    zone = ZoneInfo(schedule.time_zone)
    day = ready
    for _ in range(HORIZON_DAYS):
        if not schedule.processing_calendar.is_open(day):
            day += timedelta(days=1)
            continue
        for slot in service.pickup_calendar.slots_on(day):
            at = datetime.combine(day, slot, tzinfo=zone)
            if at >= not_before:
                return at.astimezone(UTC).astimezone(zone)
        day += timedelta(days=1)
    raise RuleViolation(
        f"carrier service {service.id} has no pickup slot within {HORIZON_DAYS} days"
    )


def promise_delivery(
    order_at: datetime,
    schedule: NodeSchedule,
    service: CarrierService,
    transit_days: int,
    *,
    hazmat: bool = False,
) -> Promise:
    """Cutoff and processing, the first pickup after both the notification lead and the
    node's pick-and-pack time, transit business days plus the service's additional days,
    then the next delivery day."""
    if hazmat and not service.is_hazmat:
        raise RuleViolation(
            f"carrier service {service.carrier_service_code} does not carry hazardous materials",
            code="HAZMAT_NOT_ALLOWED",
        )
    ready = ready_date(order_at, schedule, service.level_of_service)
    lead = max(service.notification_lead_minutes, schedule.pick_pack_minutes)
    pickup_at = first_pickup(ready, order_at + timedelta(minutes=lead), schedule, service)
    ship_date = pickup_at.date()
    arrives = _add_open_days(
        service.transit_calendar,
        ship_date,
        transit_days + service.additional_transit_days,
        "transit",
    )
    delivery = _next_open(service.delivery_calendar, arrives, "delivery")
    return Promise(ship_date=ship_date, pickup_at=pickup_at, delivery_date=delivery)
