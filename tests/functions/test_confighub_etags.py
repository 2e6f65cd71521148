"""The ETag rule on every conditional ConfigHub route, on SQLite and MariaDB: a config's
ETag is its version, ``If-Match`` is compared strongly (PUT and DELETE need one, rollback
takes one when sent), and a Spring environment's ETag is its content hash, which
``If-None-Match`` compares weakly."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import Result, create, hub, invoke

__all__ = ["hub"]

CURRENT = 2
"""Each test's config is created (version 1) and updated once."""
IF_MATCH = [
    pytest.param('"2"', 0, id="strong-current"),
    pytest.param('"7", "2"', 0, id="current-in-a-list"),
    pytest.param("*", 0, id="any-version"),
    pytest.param('W/"2"', 412, id="weak-current"),
    pytest.param('"1"', 412, id="stale"),
    pytest.param("2", 400, id="unquoted"),
    pytest.param('"2", W/', 400, id="not-a-tag-list"),
]


def at_version_2() -> tuple[str, int]:
    """A config at version 2, and the audit id of its creation (what rollback restores)."""
    config_id = str(create().body["configId"])
    updated = invoke(
        "update_config",
        "PUT",
        body={"val": "60"},
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert (updated.status, updated.headers["ETag"]) == (200, '"2"')
    history = invoke("list_config_audit", route={"configId": config_id}).body["items"]
    return config_id, history[-1]["configAuditId"]


def update(config_id: str, _: int, headers: dict[str, str]) -> Result:
    route = {"configId": config_id}
    return invoke("update_config", "PUT", body={"val": "70"}, route=route, headers=headers)


def delete(config_id: str, _: int, headers: dict[str, str]) -> Result:
    return invoke("delete_config", "DELETE", route={"configId": config_id}, headers=headers)


def rollback(config_id: str, audit_id: int, headers: dict[str, str]) -> Result:
    route = {"configId": config_id}
    body = {"auditId": audit_id}
    return invoke("rollback_config", "POST", body=body, route=route, headers=headers)


ROUTES = [
    pytest.param(update, 200, {"val": "70", "version": 3}, id="put"),
    pytest.param(delete, 204, None, id="delete"),
    pytest.param(rollback, 200, {"val": "50", "version": 3}, id="rollback"),
]


@pytest.mark.parametrize(("route", "success", "written"), ROUTES)
@pytest.mark.parametrize(("if_match", "failure"), IF_MATCH)
def test_if_match(
    hub: Registry,
    route: Any,
    success: int,
    written: dict[str, Any] | None,
    if_match: str,
    failure: int,
) -> None:
    config_id, audit_id = at_version_2()
    resp = route(config_id, audit_id, {"If-Match": if_match})
    after = invoke("get_config", route={"configId": config_id})
    if failure == 0:
        assert resp.status == success
        if written is None:
            assert (resp.raw, after.status) == (b"", 404)
        else:
            assert {k: resp.body[k] for k in written} == written
            assert (resp.headers["ETag"], after.headers["ETag"]) == ('"3"', '"3"')
        return
    expected = {
        412: ("ETAG_MISMATCH", {"currentVersion": CURRENT}),
        400: ("BAD_ETAG", None),
    }[failure]
    assert resp.status == failure
    assert (resp.body["error"]["code"], resp.body["error"]["details"]) == expected
    assert (after.body["val"], after.headers["ETag"]) == ("60", '"2"')


@pytest.mark.parametrize(
    ("route", "status", "code"),
    [
        pytest.param(update, 428, "IF_MATCH_REQUIRED", id="put"),
        pytest.param(delete, 428, "IF_MATCH_REQUIRED", id="delete"),
        pytest.param(rollback, 200, None, id="rollback"),
    ],
)
def test_without_if_match(hub: Registry, route: Any, status: int, code: str | None) -> None:
    config_id, audit_id = at_version_2()
    resp = route(config_id, audit_id, {})
    assert resp.status == status
    if code is not None:
        assert resp.body["error"]["code"] == code
    expected_etag = '"3"' if status == 200 else '"2"'
    assert invoke("get_config", route={"configId": config_id}).headers["ETag"] == expected_etag


@pytest.mark.parametrize("route", [update, delete, rollback], ids=["put", "delete", "rollback"])
def test_any_version_of_a_missing_config_is_404(hub: Registry, route: Any) -> None:
    """Not 412: RFC 9110 section 13.2.2 ignores preconditions of a request that fails
    anyway, and a write to a missing config fails whatever its If-Match."""
    config_id, audit_id = at_version_2()
    assert delete(config_id, audit_id, {"If-Match": '"2"'}).status == 204
    resp = route(config_id, audit_id, {"If-Match": "*"})
    assert (resp.status, resp.body["error"]["code"]) == (404, "CONFIG_NOT_FOUND")


def spring(path: str, headers: dict[str, str] | None = None) -> Result:
    return invoke(
        "confighub_spring", route={"path": path}, headers=headers, roles=("ConfigHub.Reader",)
    )


@pytest.mark.parametrize("path", ["omni-product/dev", "main/omni-product-dev.properties"])
@pytest.mark.parametrize(
    ("tag", "status"),
    [
        pytest.param('"{hash}"', 304, id="strong"),
        pytest.param('W/"{hash}"', 304, id="weak"),
        pytest.param('"other", W/"{hash}"', 304, id="in-a-list"),
        pytest.param("*", 304, id="any"),
        pytest.param('"other"', 200, id="another-version"),
        pytest.param("{hash}", 400, id="unquoted"),
    ],
)
def test_spring_if_none_match(hub: Registry, path: str, tag: str, status: int) -> None:
    create(prop="catalog.size", val="50")
    first = spring(path)
    content_hash = spring("omni-product/dev").body["version"]
    assert (first.status, first.headers["ETag"]) == (200, f'"{content_hash}"')
    resp = spring(path, {"If-None-Match": tag.format(hash=content_hash)})
    assert resp.status == status
    if status == 304:
        assert (resp.raw, resp.headers["ETag"]) == (b"", f'"{content_hash}"')
    elif status == 200:
        assert (resp.raw, resp.headers["ETag"]) == (first.raw, f'"{content_hash}"')
    else:
        assert resp.body["error"]["code"] == "BAD_ETAG"
