"""ConfigHub CRUD, audit, rollback and dry run through the registered triggers,
on the embedded SQLite store and on MariaDB."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import (
    ADMIN,
    READER,
    create,
    draft,
    hub,
    invoke,
    token,
)

__all__ = ["hub"]


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    assert body["createDttm"] and body["updateDttm"]
    return {k: v for k, v in body.items() if k not in ("createDttm", "updateDttm")}


def test_create_then_read_with_etag(hub: Registry) -> None:
    created = create()
    config_id = created.body["configId"]
    expected = {
        "configId": config_id,
        "application": "omni-product",
        "profile": "dev",
        "label": "main",
        "prop": "catalog.page-size",
        "val": "50",
        "valType": "INT",
        "description": "products per page",
        "configGroupId": None,
        "uiConsume": False,
        "secret": False,
        "version": 1,
        "updatedBy": "alice@example.com",
    }
    assert without_times(created.body) == expected
    assert created.headers["ETag"] == '"1"'
    read = invoke("get_config", route={"configId": str(config_id)}, roles=(READER,))
    assert read.status == 200
    assert read.body == created.body
    assert read.headers["ETag"] == '"1"'


def test_dry_run_create_validates_and_writes_nothing(hub: Registry) -> None:
    result = invoke("create_config", "POST", body=draft(), params={"dryRun": "true"})
    assert result.status == 200
    assert result.body["configId"] == 0
    assert "ETag" not in result.headers
    assert invoke("list_configs").body == {"items": [], "continuationToken": None}
    bad = invoke("create_config", "POST", body=draft(val="x"), params={"dryRun": "true"})
    assert bad.status == 422


def test_update_needs_if_match_and_bumps_version(hub: Registry) -> None:
    config_id = str(create().body["configId"])
    change = {"val": "60", "valType": "INT", "reason": "more"}
    missing = invoke("update_config", "PUT", body=change, route={"configId": config_id})
    assert (missing.status, missing.body["error"]["code"]) == (428, "IF_MATCH_REQUIRED")
    stale = invoke(
        "update_config",
        "PUT",
        body=change,
        route={"configId": config_id},
        headers={"If-Match": '"7"'},
    )
    assert (stale.status, stale.body["error"]["code"]) == (412, "ETAG_MISMATCH")
    dry = invoke(
        "update_config",
        "PUT",
        body=change,
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
        params={"dryRun": "true"},
    )
    assert (dry.status, dry.body["val"], dry.body["version"]) == (200, "60", 2)
    assert invoke("get_config", route={"configId": config_id}).body["val"] == "50"
    ok = invoke(
        "update_config",
        "PUT",
        body=change,
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert (ok.status, ok.body["val"], ok.body["version"]) == (200, "60", 2)
    assert ok.headers["ETag"] == '"2"'
    assert ok.body["description"] == "products per page"  # left out, so kept
    again = invoke(
        "update_config",
        "PUT",
        body=change,
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert again.status == 412


def test_audit_newest_first_and_rollback(hub: Registry) -> None:
    config_id = str(create().body["configId"])
    for version, val in ((1, "60"), (2, "70")):
        result = invoke(
            "update_config",
            "PUT",
            body={"val": val, "valType": "INT"},
            route={"configId": config_id},
            headers={"If-Match": f'"{version}"'},
        )
        assert result.status == 200
    audit = invoke("list_config_audit", route={"configId": config_id}, roles=(READER,))
    rows = [
        (a["operation"], a["oldVal"], a["newVal"], a["oldVersion"], a["newVersion"])
        for a in audit.body["items"]
    ]
    assert rows == [
        ("UPDATE", "60", "70", 2, 3),
        ("UPDATE", "50", "60", 1, 2),
        ("CREATE", None, "50", None, 1),
    ]
    first_update = audit.body["items"][1]["configAuditId"]
    rolled = invoke(
        "rollback_config", "POST", body={"auditId": first_update}, route={"configId": config_id}
    )
    assert (rolled.status, rolled.body["val"], rolled.body["version"]) == (200, "60", 4)
    assert rolled.headers["ETag"] == '"4"'
    latest = invoke("list_config_audit", route={"configId": config_id}).body["items"][0]
    assert (latest["operation"], latest["oldVal"], latest["newVal"], latest["reason"]) == (
        "ROLLBACK",
        "70",
        "60",
        "rollback to version 2",
    )
    assert latest["updatedBy"] == "alice@example.com"
    unknown = invoke(
        "rollback_config", "POST", body={"auditId": 99999}, route={"configId": config_id}
    )
    assert (unknown.status, unknown.body["error"]["code"]) == (404, "AUDIT_NOT_FOUND")


def test_delete_needs_if_match_and_keeps_history(hub: Registry) -> None:
    config_id = str(create().body["configId"])
    route = {"configId": config_id}
    assert invoke("delete_config", "DELETE", route=route).status == 428
    stale = invoke("delete_config", "DELETE", route=route, headers={"If-Match": '"7"'})
    assert stale.status == 412
    done = invoke("delete_config", "DELETE", route=route, headers={"If-Match": '"1"'})
    assert (done.status, done.raw) == (204, b"")
    assert invoke("get_config", route=route).status == 404
    assert invoke("delete_config", "DELETE", route=route, headers={"If-Match": "*"}).status == 404
    history = invoke("list_config_audit", route=route).body["items"]
    assert [a["operation"] for a in history] == ["DELETE", "CREATE"]
    assert (history[0]["oldVal"], history[0]["newVal"]) == ("50", None)


def test_list_pages_with_continuation_and_filters(hub: Registry) -> None:
    ids = [create(prop=f"catalog.p{i}").body["configId"] for i in range(5)]
    create(application="sourcing", prop="catalog.p9")
    create(profile=None, prop="catalog.base", label="release")
    seen: list[int] = []
    token: str | None = None
    pages = 0
    while True:
        params = {"application": "omni-product", "profile": "dev", "limit": "2"}
        if token:
            params["continuationToken"] = token
        page = invoke("list_configs", params=params, roles=(READER,))
        assert page.status == 200
        seen += [c["configId"] for c in page.body["items"]]
        pages += 1
        token = page.body["continuationToken"]
        if token is None:
            break
    assert (seen, pages) == (ids, 3)
    by_prefix = invoke("list_configs", params={"prop": "catalog.p"}).body["items"]
    assert [c["prop"] for c in by_prefix] == [f"catalog.p{i}" for i in (0, 1, 2, 3, 4, 9)]
    by_label = invoke("list_configs", params={"label": "release"}).body["items"]
    assert [(c["prop"], c["profile"]) for c in by_label] == [("catalog.base", None)]


def test_secret_values_are_masked(hub: Registry) -> None:
    created = create(prop="datasource.password", val="hunter2", valType="STRING")
    assert (created.body["val"], created.body["secret"]) == ("******", True)
    audit = invoke("list_config_audit", route={"configId": str(created.body["configId"])})
    assert [(a["oldVal"], a["newVal"]) for a in audit.body["items"]] == [(None, None)]


def test_update_without_type_keeps_the_stored_type(hub: Registry) -> None:
    config_id = str(create().body["configId"])
    kept = invoke(
        "update_config",
        "PUT",
        body={"val": "70"},
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert (kept.status, kept.body["valType"], kept.body["val"]) == (200, "INT", "70")
    refused = invoke(
        "update_config",
        "PUT",
        body={"val": "seventy"},
        route={"configId": config_id},
        headers={"If-Match": '"2"'},
    )
    assert (refused.status, refused.body["error"]["code"]) == (422, "INVALID_VALUE")


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        pytest.param(
            {"val": "70"},
            {"uiConsume": True, "description": "products per page", "configGroupId": 1},
            id="left-out-fields-kept",
        ),
        pytest.param(
            {"val": "70", "description": None, "configGroupId": None, "uiConsume": False},
            {"uiConsume": False, "description": None, "configGroupId": None},
            id="explicit-values-applied",
        ),
    ],
)
def test_update_changes_only_the_fields_it_sends(
    hub: Registry, sent: dict[str, Any], expected: dict[str, Any]
) -> None:
    group = invoke("create_config_group", "POST", body={"groupName": "paging"})
    assert group.status == 201, group.body
    assert group.body["configGroupId"] == 1
    config_id = str(create(uiConsume=True, configGroupId=1).body["configId"])
    updated = invoke(
        "update_config",
        "PUT",
        body=sent,
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert updated.status == 200, updated.body
    assert {k: updated.body[k] for k in expected} == expected
    assert (updated.body["val"], updated.body["version"]) == ("70", 2)


def test_history_of_a_deleted_secret_stays_masked(hub: Registry) -> None:
    created = create(prop="smtp.password", val="hunter2", valType="STRING").body
    config_id = str(created["configId"])
    gone = invoke(
        "delete_config",
        "DELETE",
        route={"configId": config_id},
        headers={"If-Match": '"1"'},
    )
    assert gone.status == 204
    history = invoke("list_config_audit", route={"configId": config_id}).body["items"]
    assert [(a["operation"], a["prop"], a["oldVal"], a["newVal"]) for a in history] == [
        ("DELETE", "smtp.password", None, None),
        ("CREATE", "smtp.password", None, None),
    ]


def test_audit_records_who_why_and_which_request(hub: Registry) -> None:
    config_id = str(create().body["configId"])
    changed = invoke(
        "update_config",
        "PUT",
        body={"val": "60", "reason": "peak season"},
        route={"configId": config_id},
        headers={
            "If-Match": '"1"',
            "Authorization": f"Bearer {token(ADMIN, subject='bob@example.com')}",
            "x-request-id": "req-42",
        },
    )
    assert (changed.status, changed.body["updatedBy"]) == (200, "bob@example.com")
    assert changed.headers["x-request-id"] == "req-42"
    latest = invoke("list_config_audit", route={"configId": config_id}).body["items"][0]
    assert {k: latest[k] for k in ("operation", "updatedBy", "reason", "requestId")} == {
        "operation": "UPDATE",
        "updatedBy": "bob@example.com",
        "reason": "peak season",
        "requestId": "req-42",
    }
