"""Inputs a calendar cannot use are refused at the write with a 422 naming the field:
each one used to be stored and then fail every later sourcing call for that node or
carrier, or be silently misread. Both write routes that carry calendars are covered:
carrier services (sourcing) and ship nodes (inventory)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.sourcing.demo import demo_carrier_services
from tests.functions.inventory_client import ADMIN as INVENTORY_ADMIN_TOKEN
from tests.functions.inventory_client import node_body
from tests.functions.test_sourcing_admin import ADMIN as SOURCING_ADMIN_TOKEN
from tests.functions.test_sourcing_admin import put as put_sourcing
from tests.http_client import Response, call

GROUND = demo_carrier_services("BEAUTY_US")[0].model_dump(mode="json", by_alias=True)
UNUSABLE = ("UNPROCESSABLE_VALUE", "unusable value in body")


def put_node(body: dict[str, Any]) -> Response:
    return call(
        "put_ship_node",
        "PUT",
        "ship-nodes/DC1",
        body=body,
        route={"shipNode": "DC1"},
        token=INVENTORY_ADMIN_TOKEN,
    )


def refused(resp: Response) -> list[tuple[str, str]]:
    assert resp.status == 422, resp.json
    error = resp.json["error"]
    assert (error["code"], error["message"]) == UNUSABLE
    return [(d["field"], d["message"]) for d in error["details"]]


def slots(*times: Any) -> dict[str, Any]:
    return {**GROUND["pickupCalendar"], "slots": {"MON": list(times)}}


CARRIER_CASES = [
    pytest.param(
        {"pickupCalendar": slots("17:00+05:00")},
        [
            (
                "pickupCalendar.slots.MON.0",
                "'17:00+05:00' carries a UTC offset; a node-local time has none (write 14:00)",
            )
        ],
        id="slot-with-offset",
    ),
    pytest.param(
        {"pickupCalendar": slots("09:00", "17:00Z")},
        [
            (
                "pickupCalendar.slots.MON.1",
                "'17:00Z' carries a UTC offset; a node-local time has none (write 14:00)",
            )
        ],
        id="slots-mixing-local-and-offset",
    ),
    pytest.param(
        {"pickupCalendar": slots(17)},
        [
            (
                "pickupCalendar.slots.MON.0",
                'a node-local time is text such as "14:00", not a number',
            )
        ],
        id="bare-number",
    ),
    pytest.param(
        {"transitZones": [{"zone": "2", "upToMiles": float("inf"), "transitDays": 1}]},
        [("transitZones.0.upToMiles", "Input should be a finite number")],
        id="infinite-zone",
    ),
    pytest.param(
        {"pickupCalendar": {**GROUND["pickupCalendar"], "holidays": {"only": ["Xmas"]}}},
        "pickupCalendar.holidays",
        id="unknown-holiday-name",
    ),
    pytest.param(
        {
            "deliveryCalendar": {
                **GROUND["deliveryCalendar"],
                "holidays": {"only": ["Independence Day", "Thanksgiving"]},
            }
        },
        "deliveryCalendar.holidays",
        id="substring-of-a-name",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CARRIER_CASES)
def test_a_carrier_service_a_calendar_cannot_use_is_422(
    registry: Registry, change: dict[str, Any], expected: Any
) -> None:
    found = refused(put_sourcing("carrier_service", "carrier-services", {**GROUND, **change}))
    if isinstance(expected, str):
        assert [field for field, _ in found] == [expected]
    else:
        assert found == expected
    missing = call(
        "get_carrier_service",
        "GET",
        "carrier-services/ups-ground",
        route={"id": "ups-ground"},
        token=SOURCING_ADMIN_TOKEN,
    )
    assert missing.status == 404


def test_an_unknown_holiday_name_lists_the_known_ones(registry: Registry) -> None:
    change = {"pickupCalendar": {**GROUND["pickupCalendar"], "holidays": {"only": ["Xmas"]}}}
    [(_, message)] = refused(
        put_sourcing("carrier_service", "carrier-services", {**GROUND, **change})
    )
    assert message.startswith("'Xmas' is no holiday name of US; known: Christmas Day, Columbus Day")


def test_exact_names_and_none_are_accepted(registry: Registry) -> None:
    calendar = {
        **GROUND["pickupCalendar"],
        "holidays": {"country": "US", "only": ["Independence Day", "Thanksgiving Day"]},
    }
    accepted = put_sourcing(
        "carrier_service",
        "carrier-services",
        {**GROUND, "pickupCalendar": calendar, "transitCalendar": {"holidays": None}},
    )
    assert accepted.status == 200, accepted.json
    assert accepted.json["pickupCalendar"]["holidays"]["only"] == [
        "Independence Day",
        "Thanksgiving Day",
    ]
    assert accepted.json["transitCalendar"]["holidays"] is None


NODE_CASES = [
    pytest.param(
        {"cutoffTime": "14:00Z"},
        [
            (
                "cutoffTime",
                "'14:00Z' carries a UTC offset; a node-local time has none (write 14:00)",
            )
        ],
        id="cutoff-with-offset",
    ),
    pytest.param(
        {"cutoffTime": 17},
        [("cutoffTime", 'a node-local time is text such as "14:00", not a number')],
        id="cutoff-bare-number",
    ),
    pytest.param(
        {"cutoffs": {"NEXT_DAY": "11:00-07:00"}},
        [
            (
                "cutoffs.NEXT_DAY",
                "'11:00-07:00' carries a UTC offset; a node-local time has none (write 14:00)",
            )
        ],
        id="level-cutoff-with-offset",
    ),
    pytest.param(
        {"timeZone": "right/America/New_York"},
        [("timeZone", "'right/America/New_York' is not a canonical IANA time zone")],
        id="leap-second-zone",
    ),
    pytest.param(
        {"timeZone": "Mars/Olympus"},
        [("timeZone", "'Mars/Olympus' is not a canonical IANA time zone")],
        id="unknown-zone",
    ),
    pytest.param(
        {"location": {**node_body()["location"], "latitude": float("nan")}},
        [("location.latitude", "Input should be a finite number")],
        id="nan-latitude",
    ),
    pytest.param(
        {"processingCalendar": {"workingDays": [1, 2, 3], "holidaySet": {"only": ["Xmas"]}}},
        "processingCalendar.holidaySet",
        id="unknown-holiday-name",
    ),
    pytest.param(
        {"businessHours": {"MON": ["21:00", "10:00"]}},
        [("", "businessHours.MON: opens at 21:00:00, not before 10:00:00")],
        id="hours-backwards",
    ),
]


@pytest.mark.parametrize(("change", "expected"), NODE_CASES)
def test_a_ship_node_a_calendar_cannot_use_is_422(
    registry: Registry, change: dict[str, Any], expected: Any
) -> None:
    found = refused(put_node(node_body() | change))
    if isinstance(expected, str):
        assert [field for field, _ in found] == [expected]
    else:
        assert found == expected
    gone = call("get_ship_node", "GET", "ship-nodes/DC1", route={"shipNode": "DC1"})
    assert gone.status == 404


def test_a_malformed_time_is_still_a_400(registry: Registry) -> None:
    """Text that is no time at all does not parse: that is malformed input, not an
    unusable value."""
    resp = put_node(node_body() | {"cutoffTime": "teatime"})
    assert (resp.status, resp.code) == (400, "VALIDATION_FAILED")
    assert resp.json["error"]["details"][0]["message"] == (
        "Value error, 'teatime' is not a time of day (HH:MM)"
    )
