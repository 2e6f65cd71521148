"""ConfigHub CRUD error cases through the registered triggers: 400, 401/403, 404, 409,
422 (428 and 412 are in test_confighub_configs), on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import ADMIN, READER, create, draft, hub, invoke

__all__ = ["hub"]

ERROR_CASES = [
    ("malformed-json", "create_config", "POST", b"{nope", {}, {}, (ADMIN,), 400, "MALFORMED_JSON"),
    (
        "unknown-field",
        "create_config",
        "POST",
        draft(colour="red"),
        {},
        {},
        (ADMIN,),
        400,
        "VALIDATION_FAILED",
    ),
    (
        "limit-too-big",
        "list_configs",
        "GET",
        None,
        {"limit": "501"},
        {},
        (READER,),
        400,
        "VALIDATION_FAILED",
    ),
    (
        "limit-zero",
        "list_configs",
        "GET",
        None,
        {"limit": "0"},
        {},
        (READER,),
        400,
        "VALIDATION_FAILED",
    ),
    (
        "bad-token",
        "list_configs",
        "GET",
        None,
        {"continuationToken": "!!"},
        {},
        (READER,),
        400,
        "INVALID_CONTINUATION_TOKEN",
    ),
    (
        "bad-route-id",
        "get_config",
        "GET",
        None,
        {},
        {"configId": "x"},
        (READER,),
        400,
        "VALIDATION_FAILED",
    ),
    ("no-token", "list_configs", "GET", None, {}, {}, None, 401, "UNAUTHORIZED"),
    ("reader-writes", "create_config", "POST", draft(), {}, {}, (READER,), 403, "FORBIDDEN"),
    (
        "wrong-role-reads",
        "list_configs",
        "GET",
        None,
        {},
        {},
        ("Inventory.Admin",),
        403,
        "FORBIDDEN",
    ),
    (
        "missing",
        "get_config",
        "GET",
        None,
        {},
        {"configId": "424242"},
        (READER,),
        404,
        "CONFIG_NOT_FOUND",
    ),
    (
        "audit-missing",
        "list_config_audit",
        "GET",
        None,
        {},
        {"configId": "424242"},
        (READER,),
        404,
        "CONFIG_NOT_FOUND",
    ),
    (
        "bad-int",
        "create_config",
        "POST",
        draft(val="fifty"),
        {},
        {},
        (ADMIN,),
        422,
        "INVALID_VALUE",
    ),
    (
        "bad-prop",
        "create_config",
        "POST",
        draft(prop="a..b"),
        {},
        {},
        (ADMIN,),
        422,
        "INVALID_PROPERTY",
    ),
    (
        "bad-profile",
        "create_config",
        "POST",
        draft(profile="-dev"),
        {},
        {},
        (ADMIN,),
        422,
        "INVALID_PROFILE",
    ),
    (
        "bad-label",
        "create_config",
        "POST",
        draft(label="a..b"),
        {},
        {},
        (ADMIN,),
        422,
        "INVALID_LABEL",
    ),
    (
        "reserved-app",
        "create_config",
        "POST",
        draft(application="ui"),
        {},
        {},
        (ADMIN,),
        422,
        "INVALID_APPLICATION",
    ),
    (
        "unknown-group",
        "create_config",
        "POST",
        draft(configGroupId=999),
        {},
        {},
        (ADMIN,),
        422,
        "UNKNOWN_GROUP",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "body", "params", "route", "roles", "status", "code"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_error_cases(
    hub: Registry,
    name: str,
    method: str,
    body: Any,
    params: dict[str, str],
    route: dict[str, str],
    roles: tuple[str, ...] | None,
    status: int,
    code: str,
) -> None:
    result = invoke(name, method, body=body, params=params, route=route, roles=roles)
    assert (result.status, result.body["error"]["code"]) == (status, code)


def test_type_failure_names_property_and_type(hub: Registry) -> None:
    result = invoke("create_config", "POST", body=draft(val="PT", valType="DURATION"))
    assert result.status == 422
    assert result.body["error"] == {
        "code": "INVALID_VALUE",
        "message": "value of 'catalog.page-size' is not a valid DURATION: "
        "expected an ISO 8601 duration such as PT30S or P1DT2H",
        "details": {
            "prop": "catalog.page-size",
            "valType": "DURATION",
            "reason": "expected an ISO 8601 duration such as PT30S or P1DT2H",
        },
    }


@pytest.mark.parametrize("profile", ["dev", None], ids=["profile", "base-layer"])
def test_duplicate_key_is_a_conflict(hub: Registry, profile: str | None) -> None:
    create(profile=profile)
    again = invoke("create_config", "POST", body=draft(profile=profile))
    assert (again.status, again.body["error"]["code"]) == (409, "DUPLICATE")
    create(profile=profile, label="release")
