"""The clocks behind the Clock port: the system's, and one a test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.clock import ManualClock, SystemClock

START = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def test_a_manual_clock_stands_still_until_moved() -> None:
    clock = ManualClock(START)
    assert (clock.now(), clock.time()) == (START, START.timestamp())
    assert clock.now() == START
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    clock.advance(timedelta(minutes=-5))
    assert clock.time() == START.timestamp() - 210
    clock.set(1_000_000)
    assert clock.now() == datetime.fromtimestamp(1_000_000, UTC)


def test_the_system_clock_is_aware_utc_and_agrees_with_itself() -> None:
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is UTC
    assert abs(clock.time() - now.timestamp()) < 60
