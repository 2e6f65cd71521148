"""GET/PUT of carrier services and sourcing rules: Sourcing.Admin, precise errors (the
ETag rule on these routes: ``test_sourcing_etags``)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.security import INVENTORY_ADMIN, SOURCING_ADMIN
from shared.sourcing.demo import demo_carrier_services, demo_rules
from tests.conftest import TEST_SIGNING_KEY
from tests.http_client import Response, call

ADMIN = mint_local_token(TEST_SIGNING_KEY, subject="ops-1", roles=[SOURCING_ADMIN])
OTHER = mint_local_token(TEST_SIGNING_KEY, subject="ops-2", roles=[INVENTORY_ADMIN])
GROUND = demo_carrier_services("BEAUTY_US")[0].model_dump(mode="json", by_alias=True)
HOME = demo_rules("BEAUTY_US")[0].model_dump(mode="json", by_alias=True)

KINDS = [
    pytest.param("carrier_service", "carrier-services", GROUND, id="carrier-service"),
    pytest.param("sourcing_rule", "sourcing-rules", HOME, id="sourcing-rule"),
]


def put(
    kind: str,
    path: str,
    body: dict[str, Any],
    *,
    token: str | None = ADMIN,
    if_match: str | None = None,
) -> Response:
    headers = {"If-Match": if_match} if if_match else None
    return call(
        f"put_{kind}",
        "PUT",
        f"{path}/{body['id']}",
        body=body,
        route={"id": body["id"]},
        token=token,
        headers=headers,
    )


def get(kind: str, path: str, id: str, *, token: str | None = ADMIN, **params: str) -> Response:
    return call(f"get_{kind}", "GET", f"{path}/{id}", route={"id": id}, token=token, params=params)


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
def test_put_then_get_round_trips_with_an_etag(
    registry: Registry, kind: str, path: str, body: dict[str, Any]
) -> None:
    stored = put(kind, path, body)
    assert (stored.status, stored.json, stored.headers["ETag"]) == (200, body, '"1"')
    fetched = get(kind, path, body["id"])
    assert (fetched.status, fetched.json, fetched.headers["ETag"]) == (200, body, '"1"')
    scoped = get(kind, path, body["id"], enterpriseCode="BEAUTY_US")
    assert (scoped.status, scoped.json, scoped.headers["ETag"]) == (200, body, '"1"')


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        pytest.param(None, 401, "UNAUTHORIZED", id="anonymous"),
        pytest.param(OTHER, 403, "FORBIDDEN", id="wrong-role"),
    ],
)
def test_reads_and_writes_need_sourcing_admin(
    registry: Registry,
    kind: str,
    path: str,
    body: dict[str, Any],
    token: str | None,
    status: int,
    code: str,
) -> None:
    assert (
        put(kind, path, body, token=token).status,
        get(kind, path, body["id"], token=token).status,
    ) == (status, status)
    assert put(kind, path, body, token=token).code == code


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
def test_unknown_id_is_404(registry: Registry, kind: str, path: str, body: dict[str, Any]) -> None:
    resp = get(kind, path, "missing")
    assert (resp.status, resp.code) == (404, "NOT_FOUND")


def test_body_id_must_match_the_url(registry: Registry) -> None:
    resp = call(
        "put_carrier_service",
        "PUT",
        "carrier-services/other",
        body=GROUND,
        route={"id": "other"},
        token=ADMIN,
    )
    assert (resp.status, resp.code) == (422, "ID_MISMATCH")


INVALID = [
    ("no-pickup-slot", {"pickupCalendar": {"slots": {}}}, ""),
    ("bad-weekday", {"deliveryCalendar": {"weekdays": ["MONDAY"]}}, "deliveryCalendar.weekdays.0"),
    ("negative-transit", {"transitDays": -1}, "transitDays"),
    (
        "zones-out-of-order",
        {
            "transitZones": [
                {"zone": "3", "upToMiles": 300, "transitDays": 2},
                {"zone": "2", "upToMiles": 150, "transitDays": 1},
            ]
        },
        "transitZones",
    ),
]


@pytest.mark.parametrize(
    ("change", "field"), [pytest.param(*row[1:], id=row[0]) for row in INVALID]
)
def test_invalid_carrier_service_is_400(
    registry: Registry, change: dict[str, Any], field: str
) -> None:
    resp = put("carrier_service", "carrier-services", {**GROUND, **change})
    assert (resp.status, resp.code) == (400, "VALIDATION_FAILED")
    assert field in [d["field"] for d in resp.json["error"]["details"]]


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
def test_an_id_in_two_enterprises_needs_the_enterprise_code(
    registry: Registry, kind: str, path: str, body: dict[str, Any]
) -> None:
    put(kind, path, body)
    put(kind, path, {**body, "enterpriseCode": "BEAUTY_CA"})
    put(kind, path, {**body, "enterpriseCode": "BEAUTY_CA"})
    ambiguous = get(kind, path, body["id"])
    assert (ambiguous.status, ambiguous.code) == (409, "AMBIGUOUS_ID")
    us = get(kind, path, body["id"], enterpriseCode="BEAUTY_US")
    ca = get(kind, path, body["id"], enterpriseCode="BEAUTY_CA")
    assert [(r.status, r.json["enterpriseCode"], r.headers["ETag"]) for r in (us, ca)] == [
        (200, "BEAUTY_US", '"1"'),
        (200, "BEAUTY_CA", '"2"'),
    ]
    missing = get(kind, path, body["id"], enterpriseCode="BEAUTY_MX")
    assert (missing.status, missing.code) == (404, "NOT_FOUND")
    assert missing.json["error"]["message"].endswith("does not exist for enterprise 'BEAUTY_MX'")
