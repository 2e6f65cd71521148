"""Locating destinations offline, and distances."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from shared.errors import RuleViolation
from shared.sourcing.geo import distance_miles, locate, postal_prefix


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [
        pytest.param("10001", ("10001", 40.7484, -73.9967, "NY", "America/New_York"), id="nyc"),
        pytest.param(
            "90210-1234", ("90210", 34.0901, -118.4065, "CA", "America/Los_Angeles"), id="zip4"
        ),
        pytest.param(
            "99501", ("99501", 61.2225, -149.8677, "AK", "America/Anchorage"), id="alaska"
        ),
    ],
)
def test_locate(postal_code: str, expected: tuple[object, ...]) -> None:
    where = locate(postal_code, "us")
    assert (
        where.postal_code,
        where.latitude,
        where.longitude,
        where.state,
        where.time_zone,
    ) == expected


@pytest.mark.parametrize(
    ("postal_code", "country", "code", "message"),
    [
        pytest.param(
            "00000",
            "US",
            "UNKNOWN_POSTAL_CODE",
            "postal code '00000' is not a known US ZIP code",
            id="unknown",
        ),
        pytest.param(
            "10001",
            "CA",
            "UNSUPPORTED_COUNTRY",
            "destination country 'CA' is not supported: only US ZIP codes are located",
            id="country",
        ),
    ],
)
def test_unlocatable(postal_code: str, country: str, code: str, message: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        locate(postal_code, country)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_distance_and_prefix() -> None:
    assert round(distance_miles(40.7484, -73.9967, 34.0901, -118.4065), 1) == 2451.6
    assert distance_miles(40.0, -74.0, 40.0, -74.0) == 0.0
    assert postal_prefix("10001-1234") == "100"


def test_locating_opens_no_socket() -> None:
    """The ZIP table ships inside the wheel: with sockets disabled, locating still works."""
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise RuntimeError("network access attempted")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from shared.sourcing.geo import locate
        print(locate("60601", "US").state)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "IL")
