"""The HTTP edge: parsing into models and mapping errors, through real func objects."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func
import pytest

from functions._http import Call, QueryModel, Reply, endpoint
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.errors import (
    ConfigurationError,
    Conflict,
    DomainError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RuleViolation,
    Unavailable,
)
from shared.wire import RequestModel
from tests.conftest import TEST_SIGNING_KEY


class Body(RequestModel):
    item_id: str
    quantity: int


class Query(QueryModel):
    limit: int = 10
    dry_run: bool = False


class Route(RequestModel):
    item_id: str


class LineRoute(RequestModel):
    line: int


@endpoint(body=Body, query=Query, route=Route, roles=["Inventory.Admin"])
def echo(call: Call[Body, Query, Route]) -> Reply:
    return Reply(
        201,
        {
            "route": call.route.item_id,
            "body": call.body.model_dump(by_alias=True),
            "limit": call.query.limit,
            "dryRun": call.query.dry_run,
            "caller": call.caller,
        },
    )


@endpoint(route=LineRoute)
def line(call: Call[None, None, LineRoute]) -> Reply:
    return Reply(200, {"line": call.route.line})


RAISED: dict[str, Exception] = {}


@endpoint()
def raiser(call: Call[None, None, None]) -> Reply:
    raise RAISED["error"]


def request(
    body: bytes = b"",
    *,
    params: dict[str, str] | None = None,
    route: dict[str, str] | None = None,
    token: str | None = None,
) -> func.HttpRequest:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return func.HttpRequest(
        method="POST",
        url="http://localhost/api/things/x",
        headers=headers,
        params=params or {},
        route_params=route or {"itemId": "SKU-1"},
        body=body,
    )


def admin_token(*roles: str) -> str:
    return mint_local_token(TEST_SIGNING_KEY, subject="alice", roles=roles or ["Inventory.Admin"])


def decode(resp: func.HttpResponse) -> Any:
    return json.loads(resp.get_body())


def test_parses_body_query_and_route(registry: Registry) -> None:
    resp = echo(
        request(
            b'{"itemId": "SKU-1", "quantity": 3}',
            params={"limit": "25", "dryRun": "true"},
            token=admin_token(),
        )
    )
    assert resp.status_code == 201
    assert decode(resp) == {
        "route": "SKU-1",
        "body": {"itemId": "SKU-1", "quantity": 3},
        "limit": 25,
        "dryRun": True,
        "caller": "alice",
    }
    assert resp.mimetype == "application/json"
    assert resp.headers["x-request-id"]


@pytest.mark.parametrize(
    ("body", "params", "code", "field"),
    [
        pytest.param(b"{not json", {}, "MALFORMED_JSON", None, id="malformed-json"),
        pytest.param(b"", {}, "BODY_REQUIRED", None, id="empty-body"),
        pytest.param(
            b'{"itemId": "A", "quantity": "many"}', {}, "VALIDATION_FAILED", "quantity", id="type"
        ),
        pytest.param(
            b'{"itemId": "A", "quantity": 1, "extra": 1}',
            {},
            "VALIDATION_FAILED",
            "extra",
            id="unknown-field",
        ),
        pytest.param(b'{"quantity": 1}', {}, "VALIDATION_FAILED", "itemId", id="missing-field"),
        pytest.param(b"[1, 2]", {}, "VALIDATION_FAILED", "", id="json-array"),
        pytest.param(b"null", {}, "VALIDATION_FAILED", "", id="json-null"),
        pytest.param(b"\xff\xfe{}", {}, "MALFORMED_JSON", None, id="not-utf8"),
        pytest.param(
            b'{"itemId": "A", "quantity": 1}',
            {"limit": "ten"},
            "VALIDATION_FAILED",
            "limit",
            id="bad-query",
        ),
        pytest.param(
            b'{"itemId": "A", "quantity": 1}',
            {"nope": "1"},
            "VALIDATION_FAILED",
            "nope",
            id="unknown-query",
        ),
    ],
)
def test_bad_input_is_a_400_envelope(
    registry: Registry, body: bytes, params: dict[str, str], code: str, field: str | None
) -> None:
    resp = echo(request(body, params=params, token=admin_token()))
    assert resp.status_code == 400
    error = decode(resp)["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "details"}
    if field is not None:
        assert [d["field"] for d in error["details"]] == [field]


@pytest.mark.parametrize(
    ("route", "status", "body"),
    [
        pytest.param({"line": "3"}, 200, {"line": 3}, id="number"),
        pytest.param(
            {"line": "three"},
            400,
            {
                "error": {
                    "code": "VALIDATION_FAILED",
                    "message": "invalid route",
                    "details": [
                        {
                            "location": "route",
                            "field": "line",
                            "message": "Input should be a valid integer, unable to parse string "
                            "as an integer",
                        }
                    ],
                }
            },
            id="not-a-number",
        ),
    ],
)
def test_route_parameters_are_parsed(
    registry: Registry, route: dict[str, str], status: int, body: dict[str, Any]
) -> None:
    resp = line(request(route=route))
    assert resp.status_code == status
    assert decode(resp) == body


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        pytest.param(None, 401, "UNAUTHORIZED", id="missing"),
        pytest.param("garbage", 401, "UNAUTHORIZED", id="invalid"),
        pytest.param(
            mint_local_token("another-key-of-sufficient-length-0123456789", subject="x", roles=[]),
            401,
            "UNAUTHORIZED",
            id="wrong-key",
        ),
        pytest.param(
            mint_local_token(
                TEST_SIGNING_KEY, subject="x", roles=["Inventory.Admin"], ttl_seconds=-60
            ),
            401,
            "UNAUTHORIZED",
            id="expired",
        ),
        pytest.param(
            mint_local_token(TEST_SIGNING_KEY, subject="bob", roles=["ConfigHub.Reader"]),
            403,
            "FORBIDDEN",
            id="wrong-role",
        ),
    ],
)
def test_auth_failures(registry: Registry, token: str | None, status: int, code: str) -> None:
    resp = echo(request(b'{"itemId": "A", "quantity": 1}', token=token))
    assert resp.status_code == status
    assert decode(resp)["error"]["code"] == code


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        pytest.param(NotFound("no such item"), 404, "NOT_FOUND", id="404"),
        pytest.param(Conflict("exists"), 409, "CONFLICT", id="409"),
        pytest.param(PreconditionFailed("stale"), 412, "PRECONDITION_FAILED", id="412"),
        pytest.param(RuleViolation("too many", code="LIMIT"), 422, "LIMIT", id="422"),
        pytest.param(PreconditionRequired("If-Match"), 428, "PRECONDITION_REQUIRED", id="428"),
        pytest.param(Unavailable("down"), 503, "UNAVAILABLE", id="503"),
        pytest.param(
            ConfigurationError("AUTH_TENANT_ID and AUTH_AUDIENCE are required"),
            503,
            "CONFIGURATION_ERROR",
            id="503-misconfigured",
        ),
        pytest.param(DomainError("generic"), 422, "DOMAIN_ERROR", id="base"),
    ],
)
def test_domain_errors_map_to_statuses(
    registry: Registry, error: DomainError, status: int, code: str
) -> None:
    RAISED["error"] = error
    resp = raiser(request())
    assert resp.status_code == status
    assert decode(resp)["error"] == {"code": code, "message": error.message, "details": None}


def test_unexpected_error_is_a_500_without_its_text(registry: Registry) -> None:
    RAISED["error"] = RuntimeError("password=hunter2 at /secret/path")
    resp = raiser(request())
    assert resp.status_code == 500
    body = resp.get_body().decode()
    assert "hunter2" not in body and "Traceback" not in body
    assert decode(resp)["error"]["code"] == "INTERNAL"


def test_trigger_keeps_the_handler_name_for_the_host() -> None:
    assert echo.__name__ == "echo"
