"""Calendars of nodes and carriers: open weekdays, the holiday set they observe, and
exceptions to it.

Holiday sets come from ``shared.calendar`` (the ``holidays`` library's tables, so a new
year needs no data change; default: the six days the parcel carriers close). A calendar
can re-open a day its holiday set closes (``openDates``: a carrier running normal pickups
on a Friday before the 4th of July) and close any other day (``closedDates``: a warehouse
closed for a stock count).
"""

from __future__ import annotations

from datetime import date, time

from pydantic import ConfigDict, Field, field_validator

from shared.calendar import (
    PARCEL_CARRIER_HOLIDAYS,
    HolidaySet,
    LocalTime,
    TimeZoneName,
    Weekday,
    observes,
    weekday_of,
)
from shared.wire import WireModel

BUSINESS_DAYS: tuple[Weekday, ...] = ("MON", "TUE", "WED", "THU", "FRI")


class SourcingModel(WireModel):
    """Frozen, camelCase on the wire, unknown fields rejected (a typo must not pass),
    and no infinite or NaN number (it would poison every distance or zone comparison)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class WorkCalendar(SourcingModel):
    """Days on which work happens: open weekdays, minus closed dates, minus the holiday
    set's days unless re-opened."""

    weekdays: tuple[Weekday, ...] = BUSINESS_DAYS
    closed_dates: frozenset[date] = frozenset()
    open_dates: frozenset[date] = frozenset()
    holidays: HolidaySet | None = PARCEL_CARRIER_HOLIDAYS

    def is_open(self, day: date) -> bool:
        if weekday_of(day) not in self.weekdays or day in self.closed_dates:
            return False
        return day in self.open_dates or not observes(self.holidays, day)


class PickupCalendar(SourcingModel):
    """When the carrier collects at a node: local times per weekday; closed dates and
    holidays have no pickup at all."""

    slots: dict[Weekday, tuple[LocalTime, ...]] = Field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    open_dates: frozenset[date] = frozenset()
    holidays: HolidaySet | None = PARCEL_CARRIER_HOLIDAYS

    @field_validator("slots")
    @classmethod
    def _sorted(cls, v: dict[Weekday, tuple[time, ...]]) -> dict[Weekday, tuple[time, ...]]:
        return {day: tuple(sorted(set(times))) for day, times in v.items()}

    def slots_on(self, day: date) -> tuple[time, ...]:
        if day in self.closed_dates:
            return ()
        if day not in self.open_dates and observes(self.holidays, day):
            return ()
        return self.slots.get(weekday_of(day), ())


class NodeSchedule(SourcingModel):
    """A ship node's promise inputs: its zone, order cutoffs, processing and pick-and-pack
    time, its calendar, and (stores) the hours it hands orders over."""

    time_zone: TimeZoneName = "America/New_York"
    cutoff: LocalTime = time(14, 0)
    cutoffs: dict[str, LocalTime] = Field(default_factory=dict)
    """Per level of service (the air cutoff is earlier than ground); else ``cutoff``."""
    processing_days: int = Field(0, ge=0, le=30)
    pick_pack_minutes: int = Field(0, ge=0, le=24 * 60)
    """From the order to a parcel ready at the dock: no pickup slot sooner is taken."""
    processing_calendar: WorkCalendar = Field(default_factory=WorkCalendar)
    business_hours: dict[Weekday, tuple[LocalTime, LocalTime]] = Field(default_factory=dict)
    """Opening and closing time per weekday (stores): when a pickup order can be ready."""

    def cutoff_for(self, level_of_service: str | None) -> time:
        if level_of_service is None:
            return self.cutoff
        return self.cutoffs.get(level_of_service, self.cutoff)
