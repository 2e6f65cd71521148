"""GET /api/health through the registered function: ``ok``, ``degraded`` (200, what is
down named) and ``unavailable`` (503, a store of record down)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.adapters.events_eventhub import EventHubPublisher
from shared.adapters.sql import SqlDatabase
from shared.bootstrap import Registry
from tests.app_index import user_function
from tests.conftest import embedded_settings
from tests.contract.eventhub_fake import FakeNamespace
from tests.redis_server import RedisProcess, missing_prerequisite

EMBEDDED = {
    "sql": "sqlite",
    "documents": "embedded-sqlite",
    "cache": "memory",
    "events": "local-bus",
    "catalog": "local",
}


def call_health() -> tuple[int, dict[str, Any]]:
    req = func.HttpRequest(method="GET", url="http://localhost/api/health", body=b"", headers={})
    response: func.HttpResponse = user_function("health")(req)
    return response.status_code, json.loads(response.get_body())


def checks(**failed: str) -> dict[str, str]:
    return {name: "failed" if name in failed else "ok" for name in EMBEDDED}


def test_health_reports_each_embedded_adapter(registry: Registry) -> None:
    assert call_health() == (200, {"status": "ok", "checks": checks(), "adapters": EMBEDDED})


def test_a_store_of_record_down_is_unavailable_without_secrets(registry: Registry) -> None:
    registry.override(sql=SqlDatabase("mysql+pymysql://app:s3cret-pw@127.0.0.1:1/confighub"))
    status, body = call_health()
    assert "s3cret-pw" not in json.dumps(body)
    assert (status, body) == (
        503,
        {
            "status": "unavailable",
            "checks": checks(sql="x"),
            "adapters": {k: v for k, v in EMBEDDED.items() if k != "sql"},
            "failures": {"sql": "sql database unreachable (OperationalError)"},
        },
    )


def test_the_document_store_down_is_unavailable(tmp_path: Path) -> None:
    reg = Registry(
        embedded_settings(
            tmp_path,
            COSMOS_ENDPOINT="https://127.0.0.1:1/",
            COSMOS_KEY="a2V5",
            COSMOS_VERIFY_TLS=False,
        )
    )
    with bootstrap.use_registry(reg):
        status, body = call_health()
    assert (status, body["status"], body["checks"]["documents"]) == (503, "unavailable", "failed")
    assert body["failures"]["documents"] == "connect: Cosmos DB unreachable (ServiceRequestError)"


@pytest.fixture
def dead_redis(tmp_path: Path) -> Iterator[Registry]:
    """A registry on a Redis this test started, then killed."""
    problem = missing_prerequisite()
    if problem is not None:
        pytest.skip(problem)
    server = RedisProcess()
    server.start()
    reg = Registry(embedded_settings(tmp_path, REDIS_URL=server.url))
    try:
        with bootstrap.use_registry(reg):
            assert reg.cache().check() == "redis"
            server.kill()
            yield reg
    finally:
        server.kill()


def test_the_cache_down_is_degraded_and_named(dead_redis: Registry) -> None:
    first = call_health()
    assert first == (
        200,
        {
            "status": "degraded",
            "checks": checks(cache="x"),
            "adapters": {k: v for k, v in EMBEDDED.items() if k != "cache"},
            "failures": {"cache": "cache bypassed: redis is unavailable (ConnectionError)"},
        },
    )
    for _ in range(3):
        status, body = call_health()
    assert (status, body["failures"]) == (
        200,
        {"cache": "cache bypassed (circuit open): reads go to the stores"},
    )


def test_the_local_bus_paused_is_degraded(registry: Registry) -> None:
    bus: Any = registry.events()
    bus.pause()
    status, body = call_health()
    assert (status, body["status"], body["failures"]) == (
        200,
        "degraded",
        {"events": "local bus is paused"},
    )


def test_an_event_hubs_namespace_that_never_answers_is_degraded_from_the_start(
    tmp_path: Path,
) -> None:
    """The issue's fourth row: health said ``events: ok`` throughout. Before anything
    was published, the probes of the app's hubs run into their deadline."""
    reg = Registry(embedded_settings(tmp_path, EVENTS_INLINE_TIMEOUT_SECONDS=0.2))
    namespace, release = FakeNamespace(), threading.Event()
    namespace.set_hang(release)
    reg.override(events=EventHubPublisher(namespace, **reg.eventhub_options()))
    try:
        with bootstrap.use_registry(reg):
            status, body = call_health()
    finally:
        release.set()
    hubs = [
        "confighub-config-update",
        "inventory-updates",
        "product-catalog-updates",
        "sourcing-options-updates",
    ]
    assert (status, body["status"], body["checks"]["events"]) == (200, "degraded", "failed")
    assert body["failures"]["events"] == "event hubs unavailable: " + "; ".join(
        f"{hub}: {hub} did not answer within 0.2 s" for hub in hubs
    )
