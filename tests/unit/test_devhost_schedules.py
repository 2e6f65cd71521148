"""NCRONTAB and TimeSpan timer schedules, and ``%SETTING%`` binding expressions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devhost.expressions import resolve, settings_values
from devhost.ncrontab import Schedule
from devhost.timers import after_run
from shared.errors import ConfigurationError
from shared.settings import Settings

T0 = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("schedule", "zone", "after", "expected"),
    [
        ("* * * * * *", None, T0, datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)),
        ("*/15 * * * * *", None, T0, datetime(2026, 1, 1, 0, 0, 15, tzinfo=UTC)),
        ("0 */5 * * * *", None, T0, datetime(2026, 1, 1, 0, 5, 0, tzinfo=UTC)),
        ("0 30 9 * * 1-5", None, T0, datetime(2026, 1, 1, 9, 30, 0, tzinfo=UTC)),
        ("0 0 0 * * Sat", None, T0, datetime(2026, 1, 3, 0, 0, 0, tzinfo=UTC)),
        ("0 0 10 * * *", "Europe/Paris", T0, datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)),
        ("00:05:00", None, T0, datetime(2026, 1, 1, 0, 5, 0, tzinfo=UTC)),
        ("1.00:00:00", None, T0, datetime(2026, 1, 2, 0, 0, 0, tzinfo=UTC)),
    ],
    ids=[
        "every-second",
        "every-15s",
        "every-5-min",
        "weekdays-0930",
        "saturday",
        "time-zone",
        "timespan",
        "timespan-days",
    ],
)
def test_next_occurrence(
    schedule: str, zone: str | None, after: datetime, expected: datetime
) -> None:
    assert Schedule.parse(schedule, zone).next_after(after) == expected


@pytest.mark.parametrize(
    ("schedule", "zone", "message"),
    [
        ("*/5 * * * *", None, "six fields"),
        ("0 0 25 * * *", None, "not a valid NCRONTAB"),
        ("00:00:00", None, "must be > 0"),
        ("0 * * * * *", "Mars/Olympus", "IANA"),
    ],
    ids=["five-fields", "bad-hour", "zero-interval", "bad-zone"],
)
def test_rejects_bad_schedules(schedule: str, zone: str | None, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Schedule.parse(schedule, zone)


DEFAULTS = settings_values()


@pytest.mark.parametrize(
    ("value", "env", "expected"),
    [
        ("%HUB_CONFIG_UPDATES%", {}, "confighub-config-update"),
        ("%HUB_CONFIG_UPDATES%", {"HUB_CONFIG_UPDATES": "hub-x"}, "hub-x"),
        ("%hub_config_updates%", {}, "confighub-config-update"),
        ("%CUSTOM%", {"CUSTOM": "c"}, "c"),
        ("pre-%CUSTOM%-%COSMOS_DATABASE%", {"CUSTOM": "c"}, "pre-c-commerce"),
        ("plain", {}, "plain"),
        (None, {}, None),
    ],
    ids=[
        "settings-default",
        "env-wins",
        "case-insensitive",
        "env-only",
        "several",
        "plain",
        "none",
    ],
)
def test_resolve(value: str | None, env: dict[str, str], expected: str | None) -> None:
    assert resolve(value, env, DEFAULTS) == expected


def test_resolve_prefers_an_explicit_settings_value_to_the_default() -> None:
    values = settings_values(Settings(HUB_INVENTORY_UPDATES="inv-test"))
    assert resolve("%HUB_INVENTORY_UPDATES%", {}, values) == "inv-test"


def test_resolve_names_an_unknown_setting() -> None:
    with pytest.raises(ConfigurationError, match="%NO_SUCH_SETTING%"):
        resolve("%NO_SUCH_SETTING%", {}, DEFAULTS)


EVERY_MINUTE = Schedule.parse("0 * * * * *")


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        (T0, T0, (False, datetime(2026, 1, 1, 0, 1, tzinfo=UTC))),
        (T0, T0 + timedelta(milliseconds=900), (False, datetime(2026, 1, 1, 0, 1, tzinfo=UTC))),
        (T0, T0 + timedelta(minutes=3, seconds=5), (True, datetime(2026, 1, 1, 0, 4, tzinfo=UTC))),
    ],
    ids=["on-time", "within-slack", "late-collapses-missed"],
)
def test_after_run(due: datetime, now: datetime, expected: tuple[bool, datetime]) -> None:
    assert after_run(EVERY_MINUTE, due, now) == expected
