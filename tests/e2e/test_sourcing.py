"""A cart page asks the sourcing calculator how a 3-line cart ships to a New York ZIP:
the demo network and carriers define the exact answer for an order placed on a
Tuesday morning of a week without holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from tests.e2e.conftest import LiveSystem

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
# Demo SKUs (docs/catalog.md: product n has SKU-00000n-01...): the only DC holding all
# three is DC-IL (Romeoville, 734 miles from 10001); SKU-000003-01 is a fragrance.
LIPSTICK, LOTION, FRAGRANCE = "SKU-000001-01", "SKU-000061-01", "SKU-000003-01"


def plain_tuesday(today: date) -> date:
    """The first Tuesday after ``today`` whose week (to the next Tuesday) has no US
    federal holiday, so no node, carrier or delivery calendar closes a day."""
    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    us = holidays.country_holidays("US", years=range(today.year, today.year + 2))
    while any(day + timedelta(days=i) in us for i in range(8)):
        day += timedelta(days=7)
    return day


@pytest.fixture(scope="module")
def tuesday() -> date:
    return plain_tuesday(datetime.now(NEW_YORK).date())


def cart(tuesday: date, lines: list[dict[str, Any]], postal_code: str = "10001") -> dict[str, Any]:
    return {
        "enterpriseCode": "BEAUTY_US",
        "orderDate": datetime.combine(tuesday, time(10, 0), NEW_YORK).isoformat(),
        "destination": {"postalCode": postal_code, "country": "US"},
        "lines": lines,
    }


def line(line_id: str, sku: str, quantity: int, hazmat: bool) -> dict[str, Any]:
    return {"lineId": line_id, "itemId": sku, "quantity": quantity, "hazmat": hazmat}


def from_dc_il(
    level: str,
    code: str,
    kind: str,
    pickup: time,
    ship: date,
    arrive: date,
    qty: dict[str, int],
    parcel: tuple[int, str],
) -> dict[str, Any]:
    """One parcel from Romeoville (734 miles: zone 5), of ``parcel`` = (grams, charge)."""
    grams, amount = parcel
    charge = {"amount": amount, "currency": "USD"}
    return {
        "levelOfService": level,
        "carrierServiceCode": code,
        "deliveryDate": arrive.isoformat(),
        "deliveryDateType": kind,
        "shipments": [
            {
                "shipNode": "DC-IL",
                "lineIds": sorted(qty),
                "quantities": qty,
                "shipDate": ship.isoformat(),
                "pickupAt": datetime.combine(ship, pickup, CHICAGO).isoformat(),
                "deliveryDate": arrive.isoformat(),
                "distanceMiles": 734.0,
                "weightGrams": grams,
                "charge": charge,
            }
        ],
        "charge": charge,
        "freeShipping": False,
    }


def test_the_catalog_marks_the_fragrance_hazmat(system: LiveSystem) -> None:
    """The storefront takes each line's hazmat flag from the product API."""
    query = "query($s: String) { product(sku: $s) { variants { sku hazmat } } }"
    flags = {}
    for sku in (LIPSTICK, LOTION, FRAGRANCE):
        variants = system.graphql(query, {"s": sku}).json()["data"]["product"]["variants"]
        flags[sku] = next(v["hazmat"] for v in variants if v["sku"] == sku)
    assert flags == {LIPSTICK: False, LOTION: False, FRAGRANCE: True}


def test_hazmat_cart_ships_by_ground_only_and_says_why(system: LiveSystem, tuesday: date) -> None:
    lines = [
        line("1", LIPSTICK, 2, False),
        line("2", LOTION, 1, False),
        line("3", FRAGRANCE, 1, True),
    ]
    response = system.http.post("/sourcing/options", json=cart(tuesday, lines))
    assert response.status_code == 200, response.text
    answer = response.json()
    friday = tuesday + timedelta(days=3)
    assert answer["options"] == [
        from_dc_il(
            "STANDARD",
            "UPS_GROUND",
            "ESTIMATED",
            time(18),
            tuesday,
            friday,
            {"1": 2, "2": 1, "3": 1},
            (320, "12.15"),
        )
    ]
    assert answer["unavailableLines"] == []
    explanation = answer["explanation"]
    assert (explanation["ruleId"], explanation["method"], explanation["methodReason"]) == (
        "home-delivery",
        "EXACT",
        "fewest shipments proven (1) by breadth-first search",
    )
    assert {e["levelOfService"]: e for e in explanation["levelsOfService"]} == {
        "NEXT_DAY": {
            "levelOfService": "NEXT_DAY",
            "carrierServiceCode": "UPS_NEXT_DAY_AIR",
            "offered": False,
            "reason": "hazmat line(s) 3; UPS_NEXT_DAY_AIR carries no hazmat",
        },
        "TWO_DAY": {
            "levelOfService": "TWO_DAY",
            "carrierServiceCode": "UPS_2ND_DAY_AIR",
            "offered": False,
            "reason": "hazmat line(s) 3; UPS_2ND_DAY_AIR carries no hazmat",
        },
        "STANDARD": {
            "levelOfService": "STANDARD",
            "carrierServiceCode": "UPS_GROUND",
            "offered": True,
            "reason": f"1 shipment(s), delivery {friday.isoformat()}, charge 12.15",
        },
    }
    rejected = {r["shipNode"]: (r["reason"], r["detail"]) for r in explanation["rejectedNodes"]}
    assert {n: rejected[n] for n in ("S002", "S031", "S036")} == {
        "S002": ("NOT_ALLOWED_BY_RULE", "the node lacks the SHIP capability"),
        "S031": ("INACTIVE", "the node is inactive"),
        "S036": ("NOT_ALLOWED_BY_RULE", "the node lacks the SHIP capability"),
    }


def test_cart_without_hazmat_gets_every_level_of_service(system: LiveSystem, tuesday: date) -> None:
    lines = [line("1", LIPSTICK, 2, False), line("2", LOTION, 1, False)]
    response = system.http.post("/sourcing/options", json=cart(tuesday, lines))
    assert response.status_code == 200, response.text
    day = [tuesday + timedelta(days=n) for n in range(4)]
    qty = {"1": 2, "2": 1}
    parcel = 230  # 2 x 60 g + 110 g: one billable pound
    assert response.json()["options"] == [
        from_dc_il(
            "NEXT_DAY",
            "UPS_NEXT_DAY_AIR",
            "GUARANTEED",
            time(16, 30),
            day[0],
            day[1],
            qty,
            (parcel, "49.80"),
        ),
        from_dc_il(
            "TWO_DAY",
            "UPS_2ND_DAY_AIR",
            "GUARANTEED",
            time(17, 30),
            day[0],
            day[2],
            qty,
            (parcel, "29.15"),
        ),
        from_dc_il(
            "STANDARD", "UPS_GROUND", "ESTIMATED", time(18), day[0], day[3], qty, (parcel, "12.15")
        ),
    ]


def test_columbus_day_is_a_working_day_for_the_demo_network(system: LiveSystem) -> None:
    """The demo promised next-day air from Columbus Day for two days later: its nodes
    closed on all eleven federal holidays. They keep the parcel carriers' six."""
    columbus = date(2026, 10, 12)
    order = {
        "enterpriseCode": "BEAUTY_US",
        "orderDate": datetime.combine(columbus, time(10, 0), NEW_YORK).isoformat(),
        "destination": {"postalCode": "10001", "country": "US"},
        "lines": [line("1", LIPSTICK, 2, False), line("2", LOTION, 1, False)],
        "levelsOfService": ["NEXT_DAY"],
    }
    response = system.http.post("/sourcing/options", json=order)
    assert response.status_code == 200, response.text
    [option] = response.json()["options"]
    assert (option["shipments"][0]["shipDate"], option["deliveryDate"]) == (
        "2026-10-12",
        "2026-10-13",
    )


@pytest.mark.parametrize(
    ("postal_code", "status", "error"),
    [
        (
            "00000",
            422,
            {
                "code": "UNKNOWN_POSTAL_CODE",
                "message": "postal code '00000' is not a known US ZIP code",
                "details": {"field": "destination.postalCode"},
            },
        ),
        (
            "1000A",
            400,
            {
                "code": "VALIDATION_FAILED",
                "message": "invalid body",
                "details": [
                    {
                        "location": "body",
                        "field": "destination.postalCode",
                        "message": "String should match pattern '^[0-9]{5}(-[0-9]{4})?$'",
                    }
                ],
            },
        ),
    ],
    ids=["zip-that-does-not-exist", "malformed-zip"],
)
def test_a_bad_postal_code_is_named(
    system: LiveSystem, tuesday: date, postal_code: str, status: int, error: dict[str, Any]
) -> None:
    lines = [line("1", LIPSTICK, 1, False)]
    response = system.http.post("/sourcing/options", json=cart(tuesday, lines, postal_code))
    assert (response.status_code, response.json()) == (status, {"error": error})


@pytest.mark.parametrize(
    ("calendar", "holidays_set", "field", "message"),
    [
        (
            "pickupCalendar",
            {"country": "US", "subdivision": "XX"},
            "pickupCalendar.holidays",
            "unknown subdivision 'XX' of holiday country 'US'",
        ),
        (
            "transitCalendar",
            {"country": "ZZ"},
            "transitCalendar.holidays",
            "unknown holiday country 'ZZ'",
        ),
        (
            "deliveryCalendar",
            {"country": "US", "only": ["Xmas"]},
            "deliveryCalendar.holidays",
            "'Xmas' is no holiday name of US; known: ",
        ),
    ],
    ids=["unknown-subdivision", "unknown-country", "unknown-name"],
)
def test_a_carrier_calendar_sourcing_could_not_read_is_refused(
    system: LiveSystem,
    tuesday: date,
    calendar: str,
    holidays_set: dict[str, Any],
    field: str,
    message: str,
) -> None:
    """An unknown subdivision used to be stored and then fail every cart the carrier
    serves with a 500 (the holiday library raises only when a date is promised)."""
    admin = system.auth("Sourcing.Admin", sub="carrier-desk")
    current = system.http.get("/carrier-services/ups-ground", headers=admin)
    assert current.status_code == 200, current.text
    service = current.json()
    changed = {**service, calendar: {**service[calendar], "holidays": holidays_set}}
    response = system.http.put("/carrier-services/ups-ground", json=changed, headers=admin)
    error = response.json()["error"]
    [detail] = error["details"]
    assert (response.status_code, error["code"], error["message"]) == (
        422,
        "UNPROCESSABLE_VALUE",
        "unusable value in body",
    )
    assert (detail["location"], detail["field"]) == ("body", field)
    assert detail["message"].startswith(message)
    assert system.http.get("/carrier-services/ups-ground", headers=admin).json() == service
    lines = [line("1", LIPSTICK, 1, False)]
    assert system.http.post("/sourcing/options", json=cart(tuesday, lines)).status_code == 200
