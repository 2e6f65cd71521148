"""An operator changes a property in ConfigHub with an admin token (create, update
with If-Match, audit, rollback) while a Spring Boot service reads it with the Spring
Cloud Config client (PyPI ``config-client``) and the storefront reads its UI config."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from config.spring import ConfigClient

from tests.e2e.conftest import SETUPS, LiveSystem, devhost_command, system_for

ADMIN = "ConfigHub.Admin"
READER = "ConfigHub.Reader"
OPERATOR = "ops@example.com"
FIRST = "Free shipping over $35"
SECOND = "Free shipping over $25"
PROPERTY = {
    "application": "omni-product",
    "profile": "dev",
    "label": "main",
    "prop": "storefront.banner",
    "val": FIRST,
    "valType": "STRING",
    "description": "homepage banner",
    "uiConsume": True,
}


@pytest.fixture(scope="module", params=SETUPS)
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveSystem]:
    with system_for(request, tmp_path_factory) as live:
        yield live


def spring_value(system: LiveSystem, prop: str) -> Any:
    """What a Spring Boot service of ``omni-product`` (profile dev) sees at startup."""
    client = ConfigClient(
        address=f"{system.base_url}/confighub",
        app_name="omni-product",
        profile="dev",
        label="main",
        fail_fast=False,
    )
    client.get_config(headers=system.auth(READER, sub="svc-omni-product"))
    return client.get(prop)


def ui_config(system: LiveSystem) -> dict[str, str]:
    response = system.http.get("/confighub/ui/omni-product", params={"profile": "dev"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def audit(system: LiveSystem, config_id: int) -> list[tuple[Any, ...]]:
    response = system.http.get(f"/configs/{config_id}/audit", headers=system.auth(READER, sub="r"))
    assert response.status_code == 200, response.text
    return [
        (a["operation"], a["oldVal"], a["newVal"], a["newVersion"], a["updatedBy"], a["reason"])
        for a in response.json()["items"]
    ]


def test_seeded_configuration_reaches_spring_and_the_storefront(system: LiveSystem) -> None:
    assert spring_value(system, "catalog.page-size") == "12"
    ui = system.http.get("/confighub/ui/omni-product")
    assert (ui.status_code, ui.json()["catalog.page-size"]) == (200, "24")
    assert ui_config(system)["catalog.page-size"] == "12"
    assert "commercetools.client-secret" not in ui_config(system)


def test_create_update_audit_rollback_as_seen_by_every_reader(system: LiveSystem) -> None:
    admin = system.auth(ADMIN, sub=OPERATOR)
    created = system.http.post("/configs", json=PROPERTY, headers=admin)
    assert created.status_code == 201, created.text
    config_id = created.json()["configId"]
    assert created.headers["etag"] == '"1"'
    assert {k: created.json()[k] for k in (*PROPERTY, "version", "updatedBy", "secret")} == {
        **PROPERTY,
        "version": 1,
        "updatedBy": OPERATOR,
        "secret": False,
    }
    assert spring_value(system, "storefront.banner") == FIRST
    assert ui_config(system)["storefront.banner"] == FIRST

    change = {
        "val": SECOND,
        "description": "homepage banner",
        "uiConsume": True,
        "reason": "holiday promo",
    }
    updated = system.http.put(
        f"/configs/{config_id}", json=change, headers={**admin, "If-Match": '"1"'}
    )
    assert (updated.status_code, updated.headers["etag"], updated.json()["version"]) == (
        200,
        '"2"',
        2,
    )
    assert spring_value(system, "storefront.banner") == SECOND
    assert ui_config(system)["storefront.banner"] == SECOND

    stale = system.http.put(
        f"/configs/{config_id}", json=change, headers={**admin, "If-Match": '"1"'}
    )
    assert (stale.status_code, stale.json()["error"]) == (
        412,
        {
            "code": "ETAG_MISMATCH",
            "message": "the configuration changed since you read it",
            "details": {"currentVersion": 2},
        },
    )

    history = audit(system, config_id)
    assert history == [
        (
            "UPDATE",
            FIRST,
            SECOND,
            2,
            OPERATOR,
            "holiday promo",
        ),
        ("CREATE", None, FIRST, 1, OPERATOR, None),
    ]
    first = system.http.get(f"/configs/{config_id}/audit", headers=admin).json()["items"][-1]
    rolled = system.http.post(
        f"/configs/{config_id}/rollback",
        json={"auditId": first["configAuditId"], "reason": "promo over"},
        headers=admin,
    )
    assert (rolled.status_code, rolled.json()["val"], rolled.json()["version"]) == (
        200,
        FIRST,
        3,
    )
    assert audit(system, config_id)[0] == (
        "ROLLBACK",
        SECOND,
        FIRST,
        3,
        OPERATOR,
        "promo over",
    )
    assert spring_value(system, "storefront.banner") == FIRST
    assert ui_config(system)["storefront.banner"] == FIRST


@pytest.mark.parametrize(
    ("method", "path", "roles", "if_match", "status", "code"),
    [
        ("POST", "/configs", (), None, 401, "UNAUTHORIZED"),
        ("GET", "/configs", (), None, 401, "UNAUTHORIZED"),
        ("POST", "/configs", (READER,), None, 403, "FORBIDDEN"),
        ("PUT", "/configs/1", (READER,), '"1"', 403, "FORBIDDEN"),
        ("DELETE", "/configs/1", (READER,), '"1"', 403, "FORBIDDEN"),
        ("PUT", "/configs/1", (ADMIN,), None, 428, "IF_MATCH_REQUIRED"),
        ("DELETE", "/configs/1", (ADMIN,), None, 428, "IF_MATCH_REQUIRED"),
        ("GET", "/confighub/omni-product/dev", (), None, 401, "UNAUTHORIZED"),
        ("GET", "/confighub/omni-product/dev", ("Inventory.Admin",), None, 403, "FORBIDDEN"),
    ],
    ids=[
        "create-anonymous",
        "list-anonymous",
        "create-as-reader",
        "update-as-reader",
        "delete-as-reader",
        "update-without-if-match",
        "delete-without-if-match",
        "spring-anonymous",
        "spring-without-reader-role",
    ],
)
def test_writes_need_an_admin_token_and_if_match(
    system: LiveSystem,
    method: str,
    path: str,
    roles: tuple[str, ...],
    if_match: str | None,
    status: int,
    code: str,
) -> None:
    headers = system.auth(*roles, sub="someone") if roles else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    body = {"POST": {**PROPERTY, "prop": "denied.write"}, "PUT": {"val": "denied"}}.get(method)
    response = system.http.request(method, path, json=body, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    listed = system.http.get(
        "/configs", params={"prop": "denied."}, headers=system.auth(READER, sub="r")
    )
    assert listed.json()["items"] == []


def _minted(system: LiveSystem, *extra: str, **env: str) -> str:
    done = subprocess.run(
        devhost_command("token", "--role", ADMIN, "--sub", OPERATOR, *extra),
        cwd=system.workdir,
        env={**system.env, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        (("--ttl", "-60"), {}, "invalid token: Signature has expired"),
        (
            (),
            {"AUTH_LOCAL_SIGNING_KEY": "another-machine-key-0123456789-abcdefghijklmnop"},
            "invalid token: Signature verification failed",
        ),
    ],
    ids=["expired", "signed-elsewhere"],
)
def test_a_token_that_expired_or_was_signed_elsewhere_is_401(
    system: LiveSystem, extra: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    headers = {"Authorization": f"Bearer {_minted(system, *extra, **env)}"}
    response = system.http.post(
        "/configs", json={**PROPERTY, "prop": "denied.token"}, headers=headers
    )
    assert (response.status_code, response.json()) == (
        401,
        {"error": {"code": "UNAUTHORIZED", "message": message, "details": None}},
    )
