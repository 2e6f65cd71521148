"""The Spring Cloud Config API through the catch-all trigger, as the host routes it."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func
import pytest
import sqlalchemy as sa

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import FUNCTIONS, READER, create, hub, invoke

__all__ = ["hub"]


def spring(path: str, **kwargs: Any) -> Any:
    kwargs.setdefault("roles", (READER,))
    return invoke("confighub_spring", route={"path": path}, **kwargs)


def seed() -> None:
    create(
        application="application", profile=None, prop="shop.name", val="Maison", valType="STRING"
    )
    create(
        application="application", profile="dev", prop="log.level", val="DEBUG", valType="STRING"
    )
    create(application="omni-product", profile=None, prop="catalog.size", val="20")
    create(
        application="omni-product", profile=None, prop="catalog.tags[0]", val="a", valType="STRING"
    )
    create(application="omni-product", profile="dev", prop="catalog.size", val="50")
    create(application="omni-product", profile="prod", prop="catalog.size", val="500")
    create(
        application="omni-product",
        profile=None,
        prop="ui.banner",
        val="Sale ${shop.name}",
        valType="STRING",
        uiConsume=True,
    )
    create(
        application="omni-product",
        profile="dev",
        prop="ui.api-token",
        val="s3cr3t",
        valType="STRING",
        uiConsume=True,
    )
    create(
        application="omni-product", profile="dev", label="release", prop="catalog.size", val="60"
    )


def test_environment_json_in_jdbc_order(hub: Registry) -> None:
    seed()
    result = spring("omni-product/dev")
    assert result.status == 200
    body = result.body
    assert body == {
        "name": "omni-product",
        "profiles": ["dev"],
        "label": "main",
        "version": body["version"],
        "state": None,
        "propertySources": [
            {
                "name": "omni-product-dev",
                "source": {"catalog.size": "50", "ui.api-token": "s3cr3t"},
            },
            {"name": "application-dev", "source": {"log.level": "DEBUG"}},
            {
                "name": "omni-product",
                "source": {
                    "catalog.size": "20",
                    "catalog.tags[0]": "a",
                    "ui.banner": "Sale ${shop.name}",
                },
            },
            {"name": "application", "source": {"shop.name": "Maison"}},
        ],
    }
    assert result.headers["ETag"] == f'"{body["version"]}"'
    labelled = spring("omni-product/dev,prod/main,release")
    assert [s["name"] for s in labelled.body["propertySources"]] == [
        "omni-product-dev",
        "omni-product-prod",
        "omni-product-dev",
        "application-dev",
        "omni-product",
        "application",
    ]
    assert labelled.body["propertySources"][0]["source"] == {"catalog.size": "60"}
    assert labelled.body["label"] == "main,release"


def test_unknown_application_gives_only_shared_layers(hub: Registry) -> None:
    seed()
    assert [s["name"] for s in spring("nobody/prod").body["propertySources"]] == ["application"]
    assert spring("nobody/prod/nolabel").body["propertySources"] == []


def test_if_none_match_gives_304(hub: Registry) -> None:
    seed()
    first = spring("omni-product/dev")
    etag = first.headers["ETag"]
    again = spring("omni-product/dev", headers={"If-None-Match": etag})
    assert (again.status, again.raw, again.headers["ETag"]) == (304, b"", etag)
    other = spring("omni-product/dev", headers={"If-None-Match": '"other"'})
    assert other.status == 200


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        (
            "main/omni-product-dev.properties",
            "text/plain",
            "shop.name: Maison\ncatalog.size: 50\nui.banner: Sale Maison\nlog.level: DEBUG\n"
            "ui.api-token: s3cr3t\ncatalog.tags[0]: a",
        ),
        (
            "main/omni-product-dev.json",
            "application/json",
            '{"shop":{"name":"Maison"},"catalog":{"size":"50","tags":["a"]},'
            '"ui":{"banner":"Sale Maison","api-token":"s3cr3t"},"log":{"level":"DEBUG"}}',
        ),
        (
            "main/omni-product-dev.yml",
            "text/plain",
            "shop:\n  name: Maison\ncatalog:\n  size: '50'\n  tags:\n  - a\n"
            "ui:\n  banner: Sale Maison\n  api-token: s3cr3t\nlog:\n  level: DEBUG\n",
        ),
        (
            "omni-product-prod.properties",
            "text/plain",
            "shop.name: Maison\ncatalog.size: 500\nui.banner: Sale Maison\ncatalog.tags[0]: a",
        ),
    ],
    ids=["properties", "json", "yml", "default-label"],
)
def test_file_renderings(hub: Registry, path: str, content_type: str, body: str) -> None:
    seed()
    result = spring(path)
    assert result.status == 200
    assert (result.raw.decode(), result.mimetype) == (body, content_type)


def test_ui_config_is_anonymous_and_public_only(hub: Registry) -> None:
    seed()
    base = spring("ui/omni-product", roles=None)
    assert (base.status, base.body) == (200, {"ui.banner": "Sale ${shop.name}"})
    dev = spring("ui/omni-product", roles=None, params={"profile": "dev"})
    assert dev.body == {"ui.banner": "Sale ${shop.name}"}


@pytest.mark.parametrize(
    ("path", "roles", "status", "code"),
    [
        ("omni-product/dev", None, 401, "UNAUTHORIZED"),
        ("omni-product/dev", ("Inventory.Admin",), 403, "FORBIDDEN"),
        ("omni-product/-dev", (READER,), 400, "INVALID_SPRING_REQUEST"),
        ("omni-product/dev/a..b", (READER,), 400, "INVALID_SPRING_REQUEST"),
        ("omni-product", (READER,), 404, "NO_ROUTE"),
        ("a/b/c/d", (READER,), 404, "NO_ROUTE"),
    ],
    ids=["no-token", "wrong-role", "bad-profile", "bad-label", "too-short", "too-long"],
)
def test_spring_errors(
    hub: Registry, path: str, roles: tuple[str, ...] | None, status: int, code: str
) -> None:
    result = spring(path, roles=roles)
    assert (result.status, result.body["error"]["code"]) == (status, code)


def count_statements(reg: Registry) -> list[str]:
    seen: list[str] = []
    sa.event.listen(
        reg.sql().engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: seen.append(statement),
    )
    return seen


def test_cold_read_is_one_query_and_warm_read_none(hub: Registry) -> None:
    seed()
    statements = count_statements(hub)
    spring("omni-product/dev,prod/main,release")
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    statements.clear()
    spring("omni-product/dev,prod/main,release")
    assert statements == []


def test_write_invalidates_cached_environment(hub: Registry) -> None:
    seed()
    assert spring("omni-product/dev").body["propertySources"][0]["source"]["catalog.size"] == "50"
    listed = invoke("list_configs", params={"application": "omni-product", "profile": "dev"})
    target = next(c for c in listed.body["items"] if c["prop"] == "catalog.size")
    updated = invoke(
        "update_config",
        "PUT",
        body={"val": "75", "valType": "INT"},
        route={"configId": str(target["configId"])},
        headers={"If-Match": '"1"'},
    )
    assert updated.status == 200
    assert spring("omni-product/dev").body["propertySources"][0]["source"]["catalog.size"] == "75"
    shared = spring("sourcing/dev")
    assert [s["name"] for s in shared.body["propertySources"]] == ["application-dev", "application"]


def test_change_event_invalidates_what_a_direct_write_left_stale(hub: Registry) -> None:
    seed()
    before = spring("omni-product/dev").body
    with hub.sql().engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE config SET val = '99' WHERE application = 'omni-product' "
                "AND profile = 'dev' AND prop = 'catalog.size'"
            )
        )
    assert spring("omni-product/dev").body == before
    event = {
        "eventId": "e-1",
        "eventType": "ConfigUpdated",
        "timestamp": "2026-01-01T00:00:00Z",
        "serviceId": "confighub",
        "subject": "omni-product",
        "version": 9,
        "payload": {},
    }
    consumer = FUNCTIONS["invalidate_confighub_cache"].get_user_function()
    consumer(
        [func.EventHubEvent(body=json.dumps(event).encode()), func.EventHubEvent(body=b"{bad")]
    )
    after = spring("omni-product/dev").body
    assert after["propertySources"][0]["source"]["catalog.size"] == "99"
    assert after["version"] != before["version"]


def test_ui_config_is_cached_and_refreshed_by_a_write(hub: Registry) -> None:
    seed()
    assert spring("ui/omni-product", roles=None).body == {"ui.banner": "Sale ${shop.name}"}
    statements = count_statements(hub)
    assert spring("ui/omni-product", roles=None).body == {"ui.banner": "Sale ${shop.name}"}
    assert statements == []
    banner = invoke("list_configs", params={"prop": "ui.banner"}).body["items"][0]
    updated = invoke(
        "update_config",
        "PUT",
        body={"val": "Spring sale", "uiConsume": True},
        route={"configId": str(banner["configId"])},
        headers={"If-Match": '"1"'},
    )
    assert updated.status == 200
    assert spring("ui/omni-product", roles=None).body == {"ui.banner": "Spring sale"}


def test_keys_are_case_sensitive_on_every_store(hub: Registry) -> None:
    create(application="omni-product", profile=None, prop="catalog.size", val="1")
    create(application="omni-product", profile=None, prop="Catalog.size", val="2")
    create(application="Omni-Product", profile=None, prop="catalog.size", val="3")
    sources = spring("omni-product/dev").body["propertySources"]
    assert sources == [
        {"name": "omni-product", "source": {"catalog.size": "1", "Catalog.size": "2"}}
    ]
