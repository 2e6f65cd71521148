"""A real Spring Cloud Config client (PyPI ``config-client``) reads ConfigHub over HTTP
through the devhost, on SQLite with the in-memory cache and on MariaDB with Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from config.spring import ConfigClient

import function_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from tests.conftest import TEST_SIGNING_KEY, embedded_settings

ADMIN = {
    "Authorization": "Bearer "
    + mint_local_token(TEST_SIGNING_KEY, subject="admin@example.com", roles=["ConfigHub.Admin"])
}
READER = {
    "Authorization": "Bearer "
    + mint_local_token(TEST_SIGNING_KEY, subject="svc-omni-product", roles=["ConfigHub.Reader"])
}

SEED: list[dict[str, Any]] = [
    {"application": "application", "prop": "shop.name", "val": "Maison"},
    {"application": "application", "profile": "dev", "prop": "logging.level.root", "val": "DEBUG"},
    {"application": "omni-product", "prop": "catalog.page-size", "val": "20", "valType": "INT"},
    {
        "application": "omni-product",
        "profile": "dev",
        "prop": "catalog.page-size",
        "val": "50",
        "valType": "INT",
    },
    {
        "application": "omni-product",
        "profile": "dev",
        "prop": "catalog.url",
        "val": "https://${shop.name}.example.com",
        "valType": "STRING",
    },
    {"application": "omni-product", "prop": "ui.theme", "val": "rose", "uiConsume": True},
]


@pytest.fixture(params=["sqlite-memory", "mariadb-redis"])
def host(
    request: pytest.FixtureRequest, tmp_path: Path, unique_prefix: str
) -> Iterator[DevHostHandle]:
    overrides: dict[str, object] = {}
    if request.param == "mariadb-redis":
        overrides = {
            "SQL_URL": request.getfixturevalue("mariadb_url"),
            "REDIS_URL": request.getfixturevalue("redis_url"),
            "REDIS_KEY_PREFIX": unique_prefix,
        }
    reg = Registry(embedded_settings(tmp_path, **overrides))
    with bootstrap.use_registry(reg), running_devhost(function_app.app) as handle:
        with httpx.Client(base_url=handle.base_url, headers=ADMIN, timeout=10) as http:
            for body in SEED:
                assert http.post("/configs", json=body).status_code == 201
        yield handle


def test_spring_client_reads_the_environment(host: DevHostHandle) -> None:
    client = ConfigClient(
        address=f"{host.base_url}/confighub",
        app_name="omni-product",
        profile="dev",
        label="main",
        fail_fast=False,
    )
    client.get_config(headers=READER)
    assert client.get("catalog.page-size") == "50"
    assert client.get("shop.name") == "Maison"
    assert client.get("logging.level.root") == "DEBUG"
    assert client.get("ui.theme") == "rose"
    assert client.get("catalog.url") == "https://${shop.name}.example.com"


def test_spring_client_sees_a_write_at_once(host: DevHostHandle) -> None:
    with httpx.Client(base_url=host.base_url, headers=ADMIN, timeout=10) as http:
        found = http.get(
            "/configs",
            params={"application": "omni-product", "profile": "dev", "prop": "catalog.p"},
        ).json()["items"][0]
        client = ConfigClient(
            address=f"{host.base_url}/confighub",
            app_name="omni-product",
            profile="dev",
            label="main",
            fail_fast=False,
        )
        client.get_config(headers=READER)
        assert client.get("catalog.page-size") == "50"
        put = http.put(
            f"/configs/{found['configId']}",
            json={"val": "80", "valType": "INT"},
            headers={"If-Match": '"1"'},
        )
        assert put.status_code == 200
        fresh = ConfigClient(
            address=f"{host.base_url}/confighub",
            app_name="omni-product",
            profile="dev",
            label="main",
            fail_fast=False,
        )
        fresh.get_config(headers=READER)
        assert fresh.get("catalog.page-size") == "80"
        host.drain()


def test_routes_are_not_shadowed_over_http(host: DevHostHandle) -> None:
    with httpx.Client(base_url=host.base_url, timeout=10) as http:
        ui = http.get("/confighub/ui/omni-product")
        assert (ui.status_code, ui.json()) == (200, {"ui.theme": "rose"})
        props = http.get("/confighub/main/omni-product-dev.properties", headers=READER)
        assert props.status_code == 200
        assert props.text == (
            "shop.name: Maison\ncatalog.page-size: 50\nui.theme: rose\n"
            "logging.level.root: DEBUG\ncatalog.url: https://Maison.example.com"
        )
        yml = http.get("/confighub/main/omni-product-dev.yml", headers=READER)
        assert yml.text.startswith("shop:\n  name: Maison\ncatalog:\n  page-size: '50'\n")
        env = http.get("/confighub/omni-product/dev", headers=READER)
        etag = env.headers["etag"]
        cached = http.get("/confighub/omni-product/dev", headers={**READER, "If-None-Match": etag})
        assert (cached.status_code, cached.content) == (304, b"")
        assert http.get("/confighub/omni-product/dev").status_code == 401


def test_change_event_through_the_host_refreshes_cached_environments(
    host: DevHostHandle,
) -> None:
    reg = bootstrap.registry()
    with httpx.Client(base_url=host.base_url, headers=READER, timeout=10) as http:
        before = http.get("/confighub/omni-product/dev").json()
        assert before["propertySources"][0]["source"]["catalog.page-size"] == "50"
        with reg.sql().engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE config SET val = '99' WHERE application = 'omni-product' "
                    "AND profile = 'dev' AND prop = 'catalog.page-size'"
                )
            )
        assert http.get("/confighub/omni-product/dev").json() == before
        reg.events().publish(
            "confighub-config-update",
            [
                {
                    "eventId": "e-1",
                    "eventType": "ConfigUpdated",
                    "timestamp": "2026-01-01T00:00:00Z",
                    "serviceId": "elsewhere",
                    "subject": "omni-product",
                    "version": 2,
                    "payload": {},
                }
            ],
        )
        host.drain()
        after = http.get("/confighub/omni-product/dev").json()
        assert after["propertySources"][0]["source"]["catalog.page-size"] == "99"


def test_comma_lists_slashed_labels_and_the_base_layer_filter_over_http(
    host: DevHostHandle,
) -> None:
    with httpx.Client(base_url=host.base_url, headers=ADMIN, timeout=10) as http:
        for body in (
            {
                "application": "omni-product",
                "profile": "eu",
                "label": "feature/x",
                "prop": "catalog.page-size",
                "val": "70",
                "valType": "INT",
            },
            {
                "application": "sourcing",
                "label": "feature/x",
                "prop": "sourcing.mode",
                "val": "slow",
            },
        ):
            assert http.post("/configs", json=body).status_code == 201
        base = http.get("/configs", params={"application": "omni-product", "profile": ""})
        assert [c["prop"] for c in base.json()["items"]] == ["catalog.page-size", "ui.theme"]
    client = ConfigClient(
        address=f"{host.base_url}/confighub",
        app_name="omni-product,sourcing",
        profile="dev,eu",
        label="feature(_)x",
        fail_fast=False,
    )
    client.get_config(headers=READER)
    assert (client.get("catalog.page-size"), client.get("sourcing.mode")) == ("70", "slow")
    host.drain()
