"""Timer schedules as Azure Functions reads them.

Two forms: six-field NCRONTAB (``{second} {minute} {hour} {day} {month} {day-of-week}``),
evaluated with croniter in seconds-first mode, and a TimeSpan (``hh:mm:ss``, or
``d.hh:mm:ss``) that fires at that fixed interval from the host's start. Times are UTC
unless ``WEBSITE_TIME_ZONE`` names an IANA zone, as on Linux plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from shared.errors import ConfigurationError

_TIMESPAN = re.compile(r"^(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})$")


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule; ``next_after`` gives the first occurrence strictly later."""

    text: str
    cron: str | None
    interval: timedelta | None
    zone: tzinfo

    @classmethod
    def parse(cls, text: str, time_zone: str | None = None) -> Schedule:
        zone = _zone(time_zone)
        expression = " ".join(text.split())
        span = _TIMESPAN.match(expression)
        if span:
            interval = timedelta(
                days=int(span["days"] or 0),
                hours=int(span["h"]),
                minutes=int(span["m"]),
                seconds=int(span["s"]),
            )
            if interval <= timedelta(0):
                raise ConfigurationError(f"timer schedule {text!r}: the interval must be > 0")
            return cls(text, None, interval, zone)
        fields = expression.split(" ")
        if len(fields) != 6:
            raise ConfigurationError(
                f"timer schedule {text!r}: NCRONTAB needs six fields "
                "({second} {minute} {hour} {day} {month} {day-of-week}), "
                f"got {len(fields)}"
            )
        if not croniter.is_valid(expression, second_at_beginning=True):
            raise ConfigurationError(f"timer schedule {text!r} is not a valid NCRONTAB expression")
        return cls(text, expression, None, zone)

    def next_after(self, moment: datetime) -> datetime:
        if self.interval is not None:
            return moment + self.interval
        assert self.cron is not None
        local = moment.astimezone(self.zone)
        nxt: datetime = croniter(self.cron, local, second_at_beginning=True).get_next(datetime)
        return nxt.astimezone(UTC)


def _zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"WEBSITE_TIME_ZONE {name!r} is not an IANA time zone name"
        ) from None
