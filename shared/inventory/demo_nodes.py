"""The demo network: 6 distribution centres across the US time zones and 40 stores at
real city-centre coordinates and postal codes. Data only."""

from __future__ import annotations

from datetime import time

from shared.calendar import HolidaySet
from shared.inventory.model import (
    Capability,
    Location,
    NodeStatus,
    NodeType,
    ProcessingCalendar,
    ShipNodeSpec,
)

STORE_HOLIDAYS = HolidaySet(only=("Thanksgiving Day", "Christmas Day"))
"""Stores open on every other public holiday; distribution centres keep the parcel
carriers' six (the default of every calendar)."""
STOCK_COUNT = ("2027-01-02",)
"""The distribution centres close for the year-end stock count."""
AIR_CUTOFF = time(12, 0)
"""Air parcels leave on an earlier truck than ground."""
STORE_HOURS = {
    **{day: (time(10, 0), time(21, 0)) for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT")},
    "SUN": (time(11, 0), time(19, 0)),
}

# (id, name, city, state, postal code, latitude, longitude, IANA time zone)
DCS = [
    ("DC-NJ", "Edison DC", "Edison", "NJ", "08817", 40.5187, -74.4121, "America/New_York"),
    ("DC-GA", "McDonough DC", "McDonough", "GA", "30253", 33.4473, -84.1469, "America/New_York"),
    ("DC-IL", "Romeoville DC", "Romeoville", "IL", "60446", 41.6475, -88.0895, "America/Chicago"),
    ("DC-TX", "Dallas DC", "Dallas", "TX", "75261", 32.8998, -97.0403, "America/Chicago"),
    (
        "DC-UT",
        "Salt Lake DC",
        "Salt Lake City",
        "UT",
        "84104",
        40.7500,
        -111.9500,
        "America/Denver",
    ),
    ("DC-CA", "Ontario DC", "Ontario", "CA", "91761", 34.0633, -117.6509, "America/Los_Angeles"),
]

STORES = [
    ("S001", "New York", "NY", "10001", 40.7506, -73.9972, "America/New_York"),
    ("S002", "Brooklyn", "NY", "11201", 40.6936, -73.9897, "America/New_York"),
    ("S003", "Boston", "MA", "02116", 42.3496, -71.0760, "America/New_York"),
    ("S004", "Philadelphia", "PA", "19103", 39.9522, -75.1720, "America/New_York"),
    ("S005", "Washington", "DC", "20004", 38.8951, -77.0290, "America/New_York"),
    ("S006", "Baltimore", "MD", "21202", 39.2904, -76.6122, "America/New_York"),
    ("S007", "Pittsburgh", "PA", "15222", 40.4474, -79.9930, "America/New_York"),
    ("S008", "Charlotte", "NC", "28202", 35.2271, -80.8431, "America/New_York"),
    ("S009", "Atlanta", "GA", "30309", 33.7838, -84.3830, "America/New_York"),
    ("S010", "Miami", "FL", "33131", 25.7663, -80.1917, "America/New_York"),
    ("S011", "Orlando", "FL", "32801", 28.5421, -81.3790, "America/New_York"),
    ("S012", "Tampa", "FL", "33602", 27.9506, -82.4572, "America/New_York"),
    ("S013", "Nashville", "TN", "37203", 36.1527, -86.7896, "America/Chicago"),
    ("S014", "Detroit", "MI", "48226", 42.3314, -83.0458, "America/Detroit"),
    ("S015", "Cleveland", "OH", "44113", 41.4822, -81.6697, "America/New_York"),
    ("S016", "Columbus", "OH", "43215", 39.9612, -82.9988, "America/New_York"),
    ("S017", "Indianapolis", "IN", "46204", 39.7684, -86.1581, "America/Indiana/Indianapolis"),
    ("S018", "Chicago", "IL", "60611", 41.8940, -87.6240, "America/Chicago"),
    ("S019", "Minneapolis", "MN", "55402", 44.9778, -93.2650, "America/Chicago"),
    ("S020", "Milwaukee", "WI", "53202", 43.0389, -87.9065, "America/Chicago"),
    ("S021", "St. Louis", "MO", "63101", 38.6270, -90.1994, "America/Chicago"),
    ("S022", "Kansas City", "MO", "64105", 39.0997, -94.5786, "America/Chicago"),
    ("S023", "Dallas", "TX", "75201", 32.7876, -96.7994, "America/Chicago"),
    ("S024", "Houston", "TX", "77002", 29.7589, -95.3677, "America/Chicago"),
    ("S025", "Austin", "TX", "78701", 30.2711, -97.7437, "America/Chicago"),
    ("S026", "San Antonio", "TX", "78205", 29.4241, -98.4936, "America/Chicago"),
    ("S027", "New Orleans", "LA", "70130", 29.9511, -90.0715, "America/Chicago"),
    ("S028", "Oklahoma City", "OK", "73102", 35.4676, -97.5164, "America/Chicago"),
    ("S029", "Denver", "CO", "80202", 39.7527, -104.9992, "America/Denver"),
    ("S030", "Salt Lake City", "UT", "84101", 40.7608, -111.8910, "America/Denver"),
    ("S031", "Albuquerque", "NM", "87102", 35.0844, -106.6504, "America/Denver"),
    ("S032", "Phoenix", "AZ", "85004", 33.4484, -112.0740, "America/Phoenix"),
    ("S033", "Scottsdale", "AZ", "85251", 33.4942, -111.9261, "America/Phoenix"),
    ("S034", "Las Vegas", "NV", "89109", 36.1147, -115.1728, "America/Los_Angeles"),
    ("S035", "Los Angeles", "CA", "90017", 34.0522, -118.2437, "America/Los_Angeles"),
    ("S036", "Santa Monica", "CA", "90401", 34.0195, -118.4912, "America/Los_Angeles"),
    ("S037", "San Diego", "CA", "92101", 32.7157, -117.1611, "America/Los_Angeles"),
    ("S038", "San Francisco", "CA", "94103", 37.7749, -122.4194, "America/Los_Angeles"),
    ("S039", "Seattle", "WA", "98101", 47.6101, -122.3344, "America/Los_Angeles"),
    ("S040", "Portland", "OR", "97205", 45.5202, -122.6869, "America/Los_Angeles"),
]

PICKUP_ONLY = {"S002", "S036"}
"""Small-format stores that hand over orders but do not ship them."""
INACTIVE = {"S031"}
"""Closed for refit: its stock stays on the books but offers nothing."""


def demo_nodes(enterprise_code: str) -> dict[str, ShipNodeSpec]:
    nodes: dict[str, ShipNodeSpec] = {}
    for node_id, name, city, state, postal, lat, lon, tz in DCS:
        nodes[node_id] = ShipNodeSpec(
            name=name,
            enterprise_code=enterprise_code,
            node_type=NodeType.DC,
            time_zone=tz,
            location=Location(
                latitude=lat, longitude=lon, postal_code=postal, state=state, city=city
            ),
            cutoff_time=time(14, 0),
            cutoffs={"TWO_DAY": AIR_CUTOFF, "NEXT_DAY": AIR_CUTOFF},
            pick_pack_minutes=60,
            processing_calendar=ProcessingCalendar(
                working_days=(1, 2, 3, 4, 5, 6), holidays=STOCK_COUNT
            ),
            daily_capacity=20_000,
            capacity_by_level={"NEXT_DAY": 2_000},
            capabilities=(Capability.SHIP,),
        )
    for node_id, city, state, postal, lat, lon, tz in STORES:
        caps = (
            (Capability.PICKUP,) if node_id in PICKUP_ONLY else (Capability.SHIP, Capability.PICKUP)
        )
        nodes[node_id] = ShipNodeSpec(
            name=f"{city} store",
            enterprise_code=enterprise_code,
            node_type=NodeType.STORE,
            time_zone=tz,
            status=NodeStatus.INACTIVE if node_id in INACTIVE else NodeStatus.ACTIVE,
            location=Location(
                latitude=lat, longitude=lon, postal_code=postal, state=state, city=city
            ),
            cutoff_time=time(17, 0),
            pick_pack_minutes=45,
            processing_calendar=ProcessingCalendar(
                working_days=(1, 2, 3, 4, 5, 6, 7), holiday_set=STORE_HOLIDAYS
            ),
            business_hours=STORE_HOURS,
            daily_capacity=60,
            capabilities=caps,
        )
    return nodes
