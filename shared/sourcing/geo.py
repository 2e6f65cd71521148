"""Locating destinations and measuring how far a node is from them.

ZIP codes are located with the ``zipcodes`` package, which ships its table inside the
wheel (a compiled extension): no download and no socket at run time. It is imported on
first use so that ``import function_app`` stays fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.errors import RuleViolation

SUPPORTED_COUNTRIES = frozenset({"US"})


@dataclass(frozen=True)
class Location:
    postal_code: str
    latitude: float
    longitude: float
    state: str
    time_zone: str | None


def locate(postal_code: str, country: str) -> Location:
    """The ZIP code's centroid; ``RuleViolation`` for a country or code we cannot place."""
    if country.upper() not in SUPPORTED_COUNTRIES:
        raise RuleViolation(
            f"destination country {country!r} is not supported: only US ZIP codes are located",
            code="UNSUPPORTED_COUNTRY",
            details={"field": "destination.country", "supported": sorted(SUPPORTED_COUNTRIES)},
        )
    found = _locate_zip(postal_code[:5])
    if found is None:
        raise RuleViolation(
            f"postal code {postal_code!r} is not a known US ZIP code",
            code="UNKNOWN_POSTAL_CODE",
            details={"field": "destination.postalCode"},
        )
    return found


@functools.lru_cache(maxsize=4096)
def _locate_zip(zip5: str) -> Location | None:
    import zipcodes

    matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching
    try:
        rows = matching(zip5)
    except ValueError:
        return None
    if not rows:
        return None
    row = rows[0]
    return Location(
        postal_code=zip5,
        latitude=float(row["lat"]),
        longitude=float(row["long"]),
        state=str(row["state"]),
        time_zone=str(row["timezone"]) if row.get("timezone") else None,
    )


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, by the package's own haversine (miles)."""
    import zipcodes

    haversine: Callable[[float, float, float, float], float] = zipcodes.haversine
    return float(haversine(lon1, lat1, lon2, lat2))


def postal_prefix(postal_code: str) -> str:
    """The 3-digit sectional centre: coarse enough to carry in events without locating
    a person."""
    return postal_code[:3]
