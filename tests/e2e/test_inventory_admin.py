"""An inventory operator receives stock at a distribution centre for a SKU that is out
everywhere; the availability API shows it at once and the product API after the change
feed. Bad input is a 400 envelope, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveSystem, eventually

ADMIN = "Inventory.Admin"
DCS = ("DC-CA", "DC-GA", "DC-IL", "DC-NJ", "DC-TX", "DC-UT")
SKUS_QUERY = "{ products(first: 100, sort: NAME_ASC) { edges { node { variants { sku } } } } }"
STOCK_QUERY = (
    "query($sku: String) { product(sku: $sku) "
    "{ variants { sku availability { status inStock available } } } }"
)


@pytest.fixture(scope="module")
def sold_out(system: LiveSystem) -> tuple[str, str]:
    """A SKU out of stock everywhere, and a DC that has no record of it."""
    edges = system.graphql(SKUS_QUERY).json()["data"]["products"]["edges"]
    skus = [v["sku"] for e in edges for v in e["node"]["variants"]][:200]
    items = system.http.post("/availability", json={"itemIds": skus}).json()["items"]
    item = next(i for i in items if i["network"] == {"available": 0, "status": "OUT_OF_STOCK"})
    held_at = {n["shipNode"] for n in item["nodes"]}
    return item["itemId"], next(dc for dc in DCS if dc not in held_at)


def product_stock(system: LiveSystem, sku: str) -> dict[str, Any]:
    variants = system.graphql(STOCK_QUERY, {"sku": sku}).json()["data"]["product"]["variants"]
    return dict(next(v for v in variants if v["sku"] == sku)["availability"])


def test_received_stock_shows_in_availability_and_in_the_product_api(
    system: LiveSystem, sold_out: tuple[str, str]
) -> None:
    sku, dc = sold_out
    admin = system.auth(ADMIN, sub="dc-receiving")
    path = f"/inventory/{sku}/nodes/{dc}"
    assert product_stock(system, sku) == {
        "status": "OUT_OF_STOCK",
        "inStock": False,
        "available": 0,
    }
    missing = system.http.get(path, headers=admin)
    assert (missing.status_code, missing.json()["error"]) == (
        404,
        {
            "code": "SUPPLY_NOT_FOUND",
            "message": f"no supply record for item {sku!r} at node {dc!r}",
            "details": None,
        },
    )
    supply = {"quantity": 30, "safetyStock": 2, "threshold": 5, "infinite": False}
    created = system.http.put(path, json=supply, headers=admin)
    assert created.status_code == 201, created.text
    record = created.json()
    del record["modifyts"]
    assert record == {
        "itemId": sku,
        "shipNode": dc,
        "enterpriseCode": "BEAUTY_US",
        **supply,
        "reserved": 0,
        "holds": {},
        "version": 1,
    }
    availability = system.http.get(f"/availability/{sku}").json()
    assert {n["shipNode"]: n for n in availability["nodes"]}[dc] == {
        "shipNode": dc,
        "available": 28,
        "status": "IN_STOCK",
    }
    assert availability["network"]["available"] == 28
    expected = {"status": availability["network"]["status"], "inStock": True, "available": 28}
    assert eventually(lambda: product_stock(system, sku), expected) == expected

    replaced = system.http.put(path, json={**supply, "quantity": 12}, headers=admin)
    assert (replaced.status_code, replaced.json()["version"]) == (200, 2)
    assert system.http.get(f"/availability/{sku}").json()["network"]["available"] == 10


def _violation(field: str, message: str) -> dict[str, Any]:
    return {
        "code": "VALIDATION_FAILED",
        "message": "invalid body",
        "details": [{"location": "body", "field": field, "message": message}],
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"quantity": -1},
            _violation("quantity", "Input should be greater than or equal to 0"),
        ),
        (
            {"quantity": "lots"},
            _violation(
                "quantity", "Input should be a valid integer, unable to parse string as an integer"
            ),
        ),
        (
            {"quantity": 5.5},
            _violation(
                "quantity", "Input should be a valid integer, got a number with a fractional part"
            ),
        ),
        ({"quantity": 5, "bogus": 1}, _violation("bogus", "Extra inputs are not permitted")),
        (
            [1, 2],
            _violation("", "Input should be a valid dictionary or instance of SupplySpec"),
        ),
        (
            b"{not json",
            {
                "code": "MALFORMED_JSON",
                "message": "malformed JSON body: Expecting property name enclosed in double "
                "quotes: line 1 column 2 (char 1)",
                "details": None,
            },
        ),
        (b"", {"code": "BODY_REQUIRED", "message": "a JSON body is required", "details": None}),
    ],
    ids=["negative", "text", "fraction", "unknown-field", "array", "malformed", "empty"],
)
def test_a_bad_supply_body_is_a_400_envelope(
    system: LiveSystem, sold_out: tuple[str, str], body: Any, error: dict[str, Any]
) -> None:
    sku, dc = sold_out
    admin = system.auth(ADMIN, sub="dc-receiving")
    path = f"/inventory/{sku}/nodes/{dc}"
    if isinstance(body, bytes):
        response = system.http.put(path, content=body, headers=admin)
    else:
        response = system.http.put(path, json=body, headers=admin)
    assert (response.status_code, response.json()) == (400, {"error": error})


@pytest.mark.parametrize(
    ("path", "roles", "status", "code"),
    [
        ("/inventory/SKU-000001-01/nodes/DC-NJ", (), 401, "UNAUTHORIZED"),
        ("/inventory/SKU-000001-01/nodes/DC-NJ", ("Inventory.Reserve",), 403, "FORBIDDEN"),
        ("/inventory/SKU-000001-01/nodes/NOWHERE", (ADMIN,), 404, "SHIP_NODE_NOT_FOUND"),
        ("/inventory/bad%20id/nodes/DC-NJ", (ADMIN,), 400, "VALIDATION_FAILED"),
    ],
    ids=["anonymous", "reserve-role", "unknown-node", "bad-item-id"],
)
def test_supply_writes_check_the_caller_and_the_route(
    system: LiveSystem, path: str, roles: tuple[str, ...], status: int, code: str
) -> None:
    headers = system.auth(*roles, sub="someone") if roles else {}
    response = system.http.put(path, json={"quantity": 1}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


STORE = {
    "name": "Hoboken store",
    "enterpriseCode": "BEAUTY_US",
    "nodeType": "STORE",
    "timeZone": "America/New_York",
    "cutoffTime": "17:00",
    "location": {"latitude": 40.744, "longitude": -74.032, "postalCode": "07030", "state": "NJ"},
    "processingCalendar": {"workingDays": [1, 2, 3, 4, 5, 6], "holidays": ["2026-12-25"]},
    "capabilities": ["SHIP", "PICKUP"],
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"timeZone": "Mars/Olympus"},
            "timeZone",
            "'Mars/Olympus' is not a canonical IANA time zone",
        ),
        (
            {"processingCalendar": {"workingDays": [1, 8]}},
            "processingCalendar.workingDays.1",
            "Input should be less than or equal to 7",
        ),
        (
            {"processingCalendar": {"holidays": ["Christmas"]}},
            "processingCalendar.holidays.0",
            "String should match pattern '^\\d{4}-\\d{2}-\\d{2}$'",
        ),
        (
            {"processingCalendar": {"holidays": ["2026-12-32"]}},
            "processingCalendar.holidays.0",
            "Value error, day is out of range for month",
        ),
    ],
    ids=["unknown-zone", "weekday-8", "holiday-name", "impossible-date"],
)
def test_a_ship_node_sourcing_could_not_read_is_refused_and_carts_still_source(
    system: LiveSystem, change: dict[str, Any], field: str, message: str
) -> None:
    """Sourcing reads every node of the enterprise for every cart: one stored node with
    a zone or date it cannot read made every cart a 500 and every product's delivery
    options unavailable."""
    admin = system.auth(ADMIN, sub="network-planning")
    response = system.http.put("/ship-nodes/S900", json={**STORE, **change}, headers=admin)
    expected = _violation(field, message)
    if field == "timeZone":  # a well-formed name no calendar can use: 422
        expected |= {"code": "UNPROCESSABLE_VALUE", "message": "unusable value in body"}
    status = 422 if field == "timeZone" else 400
    assert (response.status_code, response.json()) == (status, {"error": expected})
    assert system.http.get("/ship-nodes/S900").status_code == 404
    cart = {
        "enterpriseCode": "BEAUTY_US",
        "destination": {"postalCode": "10001", "country": "US"},
        "lines": [{"lineId": "1", "itemId": "SKU-000001-01", "quantity": 1}],
    }
    assert system.http.post("/sourcing/options", json=cart).status_code == 200


def test_a_new_store_with_stock_is_a_sourcing_candidate(system: LiveSystem) -> None:
    admin = system.auth(ADMIN, sub="network-planning")
    created = system.http.put("/ship-nodes/S901", json=STORE, headers=admin)
    assert created.status_code == 201, created.text
    stocked = system.http.put(
        "/inventory/SKU-000001-01/nodes/S901", json={"quantity": 4}, headers=admin
    )
    assert stocked.status_code == 201, stocked.text
    cart = {
        "enterpriseCode": "BEAUTY_US",
        "destination": {"postalCode": "07030", "country": "US"},
        "lines": [{"lineId": "1", "itemId": "SKU-000001-01", "quantity": 4}],
        "levelsOfService": ["STANDARD"],
    }
    answer = system.http.post("/sourcing/options", json=cart).json()
    assert [s["shipNode"] for o in answer["options"] for s in o["shipments"]] == ["S901"]
