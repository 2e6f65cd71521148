"""The calendar vocabulary ship nodes and carrier services share: holiday sets, node-local
times of day and time-zone names.

Both the inventory context (a node's processing calendar) and sourcing (carrier pickup,
transit and delivery calendars) speak it, so it lives beside the wire conventions
rather than in either context. Pure: the ``holidays`` tables are imported on first use
(they are heavy and ``import function_app`` must stay fast).

What a calendar observes is explicit: ``None`` (no holidays), a country's whole set
(``HolidaySet(country="US")``), or a named list of that set (``only``). Names match
exactly; an observed day (``Independence Day (observed)``) follows its holiday. The
default is ``PARCEL_CARRIER_HOLIDAYS``, the six days UPS and FedEx close: most
distribution centres and stores work the other federal holidays, and so do the carriers.
"""

from __future__ import annotations

import functools
from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BeforeValidator, ValidationInfo, model_validator

from shared.wire import WireModel, is_request, unprocessable

Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEKDAYS: tuple[Weekday, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def weekday_of(day: date) -> Weekday:
    return WEEKDAYS[day.weekday()]


OBSERVED = " (observed)"
NAME_YEARS = range(2020, 2041)
"""Names are checked against the holidays of these years: a name the country never uses
in them matches nothing and is refused at the write."""


class HolidaySet(WireModel):
    """Public holidays of a country of the ``holidays`` library, optionally of one
    subdivision (state), optionally only the named ones (``only``, exact names)."""

    country: str = "US"
    subdivision: str | None = None
    only: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _known(self, info: ValidationInfo) -> HolidaySet:
        """Checked when a client writes: a country, subdivision or name the tables do not
        know would make the calendar observe nothing, silently. Stored calendars are
        read as they are (an older name simply matches nothing)."""
        countries = _supported_countries()
        if self.country not in countries:
            raise unprocessable(f"unknown holiday country {self.country!r}")
        if self.subdivision is not None and self.subdivision not in countries[self.country]:
            raise unprocessable(
                f"unknown subdivision {self.subdivision!r} of holiday country {self.country!r}"
            )
        if self.only is not None and is_request(info):
            known = holiday_names(self.country, self.subdivision)
            unknown = [name for name in self.only if name not in known]
            if unknown:
                raise unprocessable(
                    f"{unknown[0]!r} is no holiday name of {self.country}"
                    + (f"-{self.subdivision}" if self.subdivision else "")
                    + f"; known: {', '.join(sorted(known))}"
                )
        return self

    def observes(self, day: date) -> bool:
        return day in _holidays_of(self.country, self.subdivision, self.only, day.year)


PARCEL_CARRIER_HOLIDAYS = HolidaySet.model_construct(
    country="US",
    subdivision=None,
    only=(
        "New Year's Day",
        "Memorial Day",
        "Independence Day",
        "Labor Day",
        "Thanksgiving Day",
        "Christmas Day",
    ),
)
"""The default of every calendar: the days UPS and FedEx hold no pickup or delivery.
Built unvalidated: validating would load the holiday tables at import."""


def observes(holidays: HolidaySet | None, day: date) -> bool:
    return holidays is not None and holidays.observes(day)


@functools.cache
def _supported_countries() -> dict[str, frozenset[str]]:
    """Country code -> its subdivision codes."""
    import holidays

    return {c: frozenset(subs) for c, subs in holidays.list_supported_countries().items()}


@functools.cache
def holiday_names(country: str, subdivision: str | None) -> frozenset[str]:
    """Every holiday name the country (and subdivision) uses in ``NAME_YEARS``, observed
    days folded into their holiday."""
    import holidays

    table = holidays.country_holidays(country, subdiv=subdivision, years=NAME_YEARS)
    return frozenset(
        name.removesuffix(OBSERVED) for names in table.values() for name in names.split("; ")
    )


@functools.lru_cache(maxsize=1024)
def _holidays_of(
    country: str, subdivision: str | None, only: tuple[str, ...] | None, year: int
) -> frozenset[date]:
    import holidays

    table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(
        day
        for day, names in table.items()
        if only is None or any(n.removesuffix(OBSERVED) in only for n in names.split("; "))
    )


# --- node-local times of day ------------------------------------------------------------
def _local_time(value: Any) -> Any:
    """A node-local time of day is text (``"14:00"``): a bare number would read as
    seconds after midnight, and an offset would name another zone than the node's."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise unprocessable("a node-local time has no UTC offset (write 14:00, not 14:00Z)")
        return value
    if not isinstance(value, str):
        raise unprocessable('a node-local time is text such as "14:00", not a number')
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day (HH:MM)") from None
    if parsed.tzinfo is not None:
        raise unprocessable(
            f"{value!r} carries a UTC offset; a node-local time has none (write 14:00)"
        )
    return parsed


LocalTime = Annotated[time, BeforeValidator(_local_time)]
"""A wall-clock time at the node, in the node's own zone."""


# --- time-zone names --------------------------------------------------------------------
@functools.cache
def canonical_zones() -> frozenset[str]:
    """IANA zone names, without the ``posix/`` and ``right/`` copies some systems ship
    (``right/...`` counts leap seconds and shifts every promise by seconds)."""
    copies = ("posix/", "right/")
    names = {z for z in available_timezones() if not z.startswith(copies)}
    return frozenset(names - {"localtime", "Factory"})


def _zone_name(value: Any) -> Any:
    if not isinstance(value, str):
        raise unprocessable('a time zone is an IANA name such as "America/New_York"')
    if value not in canonical_zones():
        raise unprocessable(f"{value!r} is not a canonical IANA time zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise unprocessable(f"unknown IANA time zone {value!r}") from None
    return value


TimeZoneName = Annotated[str, BeforeValidator(_zone_name)]
