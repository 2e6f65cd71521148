"""Calendars of nodes and carriers, and the holidays they observe.

Holidays come from the ``holidays`` library (US federal by default) rather than being
typed into every calendar, so a new year needs no data change. The library is imported
lazily: it is heavy and ``import function_app`` must stay fast.
"""

from __future__ import annotations

import functools
from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator, model_validator

from shared.wire import WireModel

Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEKDAYS: tuple[Weekday, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
BUSINESS_DAYS: tuple[Weekday, ...] = ("MON", "TUE", "WED", "THU", "FRI")


def weekday_of(day: date) -> Weekday:
    return WEEKDAYS[day.weekday()]


class SourcingModel(WireModel):
    """Frozen, camelCase on the wire, unknown fields rejected (a typo must not pass)."""

    model_config = ConfigDict(extra="forbid")


class HolidaySet(SourcingModel):
    """Which public holidays a calendar observes: a country of the ``holidays`` library,
    optionally a subdivision (state) and a subset of holiday names."""

    country: str = "US"
    subdivision: str | None = None
    only: tuple[str, ...] = ()

    @field_validator("country")
    @classmethod
    def _known_country(cls, v: str) -> str:
        if v not in _supported_countries():
            raise ValueError(f"unknown holiday country {v!r}")
        return v

    @model_validator(mode="after")
    def _known_subdivision(self) -> HolidaySet:
        """Checked when stored: the library raises on an unknown subdivision only when
        a date is promised, which would fail every cart that the carrier serves."""
        if (
            self.subdivision is not None
            and self.subdivision not in (_supported_countries()[self.country])
        ):
            raise ValueError(
                f"unknown subdivision {self.subdivision!r} of holiday country {self.country!r}"
            )
        return self

    def observes(self, day: date) -> bool:
        return day in _holidays_of(self.country, self.subdivision, self.only, day.year)


@functools.cache
def _supported_countries() -> dict[str, frozenset[str]]:
    """Country code -> its subdivision codes."""
    import holidays

    return {c: frozenset(subs) for c, subs in holidays.list_supported_countries().items()}


@functools.lru_cache(maxsize=512)
def _holidays_of(
    country: str, subdivision: str | None, only: tuple[str, ...], year: int
) -> frozenset[date]:
    import holidays

    table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(
        day for day, name in table.items() if not only or any(wanted in name for wanted in only)
    )


class WorkCalendar(SourcingModel):
    """Days on which work happens: open weekdays, minus closed dates and holidays."""

    weekdays: tuple[Weekday, ...] = BUSINESS_DAYS
    closed_dates: frozenset[date] = frozenset()
    holidays: HolidaySet | None = Field(default_factory=HolidaySet)

    def is_open(self, day: date) -> bool:
        if weekday_of(day) not in self.weekdays or day in self.closed_dates:
            return False
        return self.holidays is None or not self.holidays.observes(day)


class PickupCalendar(SourcingModel):
    """When the carrier collects at a node: local times per weekday; closed dates and
    holidays have no pickup at all."""

    slots: dict[Weekday, tuple[time, ...]] = Field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    holidays: HolidaySet | None = Field(default_factory=HolidaySet)

    @field_validator("slots")
    @classmethod
    def _sorted(cls, v: dict[Weekday, tuple[time, ...]]) -> dict[Weekday, tuple[time, ...]]:
        return {day: tuple(sorted(set(times))) for day, times in v.items()}

    def slots_on(self, day: date) -> tuple[time, ...]:
        if day in self.closed_dates:
            return ()
        if self.holidays is not None and self.holidays.observes(day):
            return ()
        return self.slots.get(weekday_of(day), ())


class NodeSchedule(SourcingModel):
    """A ship node's promise inputs: its zone, the order cutoff and processing days."""

    time_zone: str = "America/New_York"
    cutoff: time = time(14, 0)
    processing_days: int = Field(0, ge=0, le=30)
    processing_calendar: WorkCalendar = Field(default_factory=WorkCalendar)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {v!r}") from None
        return v
