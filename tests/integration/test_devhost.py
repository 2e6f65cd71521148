"""The devhost runs a Function app as Azure would: HTTP routes, timers, Event Hub
triggers fed by the local bus and Cosmos triggers fed by the embedded change feed.

It runs ``tests/integration/sample_app.py``, a test-only app, on the embedded adapters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from devhost.expressions import settings_values
from devhost.httpserver import Router, build_asgi
from devhost.index import index_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.bootstrap import Registry
from shared.ports import ContainerSpec, DocumentContainer
from tests.conftest import embedded_settings
from tests.integration.sample_app import SAMPLE_CONTAINER, Recorder, build_app

BOUND = 10.0  # seconds: an upper bound on waits, never a measured duration


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DevHostHandle, Recorder]]:
    reg = Registry(embedded_settings(tmp_path_factory.mktemp("devhost-http")))
    rec = Recorder()
    with bootstrap.use_registry(reg), running_devhost(build_app(rec)) as handle:
        yield handle, rec


@pytest.mark.parametrize(
    ("method", "path", "status", "function", "route", "query"),
    [
        ("GET", "/items/42", 200, "items", {"id": "42"}, {}),
        ("GET", "/items/42/", 200, "items", {"id": "42"}, {}),
        (
            "GET",
            "/ITEMS/42/x?a=1&a=2&b=",
            200,
            "items",
            {"id": "42", "part": "x"},
            {"a": "1,2", "b": ""},
        ),
        ("PUT", "/items/a%20b", 200, "items", {"id": "a b"}, {}),
        ("GET", "/config/ui/shop", 200, "config_ui", {"application": "shop"}, {}),
        (
            "GET",
            "/config/shop/dev",
            200,
            "config_profile",
            {"application": "shop", "profile": "dev"},
            {},
        ),
        ("GET", "/numbers/12", 200, "numbers", {"n": "12"}, {}),
        ("GET", "/files/a/b/c.txt", 200, "files", {"path": "a/b/c.txt"}, {}),
        ("GET", "/numbers/twelve", 404, None, None, None),
        ("GET", "/items", 404, None, None, None),
        ("GET", "/nothing/here", 404, None, None, None),
    ],
    ids=[
        "param",
        "trailing-slash",
        "optional-and-query",
        "encoded",
        "literal-precedence",
        "two-params",
        "int-constraint",
        "catch-all",
        "constraint-fails",
        "missing-param",
        "no-route",
    ],
)
def test_http_routes(
    served: tuple[DevHostHandle, Recorder],
    method: str,
    path: str,
    status: int,
    function: str | None,
    route: dict[str, str] | None,
    query: dict[str, str] | None,
) -> None:
    handle, _ = served
    response = httpx.request(method, handle.base_url + path, timeout=BOUND)
    assert response.status_code == status
    if function is None:
        assert response.content == b""
        return
    echo: dict[str, Any] = response.json()
    assert (echo["function"], echo["method"], echo["route"], echo["query"]) == (
        function,
        method,
        route,
        query,
    )
    assert response.headers["x-echo"] == function
    assert response.headers["content-type"] == "application/json"


def test_http_request_carries_url_headers_and_body(served: tuple[DevHostHandle, Recorder]) -> None:
    handle, _ = served
    url = handle.base_url + "/items/7?q=1"
    response = httpx.put(url, content=b"payload", headers={"X-Sample": "s1"}, timeout=BOUND)
    echo = response.json()
    assert (echo["url"], echo["header"], echo["body"]) == (url, "s1", "payload")


@pytest.mark.parametrize(
    ("method", "path", "status", "allow", "body", "content_type"),
    [
        ("POST", "/items/42", 405, "GET, PUT", b"", None),
        ("GET", "/boom", 405, "POST", b"", None),
        ("POST", "/boom", 500, None, b"", None),
        ("GET", "/hello", 201, None, b"hello", "text/plain; charset=utf-8"),
        ("GET", "/plain", 200, None, b"just text", "text/plain; charset=utf-8"),
        ("GET", "/wrong-type", 500, None, b"", None),
    ],
    ids=[
        "method-not-allowed",
        "method-not-allowed-single",
        "function-raised",
        "async-function",
        "returns-str",
        "returns-dict",
    ],
)
def test_http_status_handling(
    served: tuple[DevHostHandle, Recorder],
    method: str,
    path: str,
    status: int,
    allow: str | None,
    body: bytes,
    content_type: str | None,
) -> None:
    handle, _ = served
    response = httpx.request(method, handle.base_url + path, timeout=BOUND)
    assert (response.status_code, response.headers.get("allow"), response.content) == (
        status,
        allow,
        body,
    )
    if content_type is not None:
        assert response.headers["content-type"] == content_type


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("http://shop.test", "http://shop.test"), ("http://evil.test", None)],
    ids=["allowed-origin", "other-origin"],
)
def test_cors_from_local_settings(origin: str, allowed: str | None) -> None:
    index = index_app(build_app(Recorder()), {}, settings_values(), "api")
    client = TestClient(build_asgi(Router(index.http), cors=("http://shop.test",)))
    response = client.get("/api/items/1", headers={"Origin": origin})
    assert (response.status_code, response.headers.get("access-control-allow-origin")) == (
        200,
        allowed,
    )


def test_timer_fires_on_its_schedule(served: tuple[DevHostHandle, Recorder]) -> None:
    _, rec = served
    assert rec.timer_fired.wait(BOUND)
    with rec.lock:
        assert rec.timer_runs[0] is False


def _envelope(subject: str, n: int) -> dict[str, Any]:
    return {"eventType": "ConfigUpdated", "subject": subject, "version": n, "payload": {"n": n}}


def test_event_hub_triggers_get_every_event_in_batches(registry: Registry) -> None:
    rec = Recorder()
    bus = registry.events()
    first = [_envelope("a", 1), _envelope("b", 2), _envelope("a", 3)]
    bus.publish("confighub-config-update", first)
    bus.publish("inventory-updates", [_envelope("other-hub", 9)])
    with running_devhost(build_app(rec)) as handle:
        handle.drain(BOUND)
        bus.publish("confighub-config-update", [_envelope("c", 4)])
        handle.drain(BOUND)
    assert rec.hub_batches == [first, [_envelope("c", 4)]]
    assert rec.hub_meta == [[("a", 0), ("b", 1), ("a", 2)], [("c", 3)]]
    assert rec.hub_singles == [*first, _envelope("c", 4)]


def test_event_hub_checkpoints_survive_a_host_restart(registry: Registry) -> None:
    bus = registry.events()
    bus.publish("confighub-config-update", [_envelope("a", 1)])
    with running_devhost(build_app(Recorder())) as handle:
        handle.drain(BOUND)
    rec = Recorder()
    with running_devhost(build_app(rec)) as handle:
        handle.drain(BOUND)
        bus.publish("confighub-config-update", [_envelope("b", 2)])
        handle.drain(BOUND)
    assert (rec.hub_batches, rec.hub_singles) == ([[_envelope("b", 2)]], [_envelope("b", 2)])


def _sample_docs(registry: Registry) -> DocumentContainer:
    return registry.documents().container(ContainerSpec(SAMPLE_CONTAINER, "/pk"))


def _lease(registry: Registry) -> Any:
    leases = registry.documents().container(
        ContainerSpec(registry.settings.cosmos_container_leases, "/id")
    )
    lease_id = f"{SAMPLE_CONTAINER}.doc_changes"
    return leases.read(lease_id, lease_id)["continuation"]


def test_cosmos_trigger_gets_changes_after_its_lease_started(registry: Registry) -> None:
    docs = _sample_docs(registry)
    docs.create({"id": "before", "pk": "p"})
    rec = Recorder()
    with running_devhost(build_app(rec)) as handle:
        docs.create({"id": "a", "pk": "p"})
        docs.create({"id": "b", "pk": "q"})
        handle.drain(BOUND)
        docs.upsert({"id": "a", "pk": "p", "changed": True})
        handle.drain(BOUND)
    assert rec.cosmos_batches == [["a", "b"], ["a"]]


def test_cosmos_batch_that_raised_is_retried_and_the_lease_waits(registry: Registry) -> None:
    docs = _sample_docs(registry)
    rec = Recorder()
    with running_devhost(build_app(rec)) as handle:
        docs.create({"id": "a", "pk": "p"})
        handle.drain(BOUND)
        lease_after_a = _lease(registry)
        with rec.lock:
            rec.cosmos_failures_left = 1_000_000
        docs.create({"id": "b", "pk": "p"})
        assert rec.cosmos_failed.wait(BOUND)
        assert _lease(registry) == lease_after_a
        with rec.lock:
            rec.cosmos_failures_left = 0
        handle.drain(BOUND)
        assert _lease(registry) != lease_after_a
    assert rec.cosmos_batches == [["a"], ["b"]]
    assert rec.cosmos_raised[0] == ["b"]
    assert all(batch == ["b"] for batch in rec.cosmos_raised)


def test_cosmos_batch_raising_once_is_delivered_again(registry: Registry) -> None:
    docs = _sample_docs(registry)
    rec = Recorder(cosmos_failures_left=1)
    with running_devhost(build_app(rec)) as handle:
        docs.create({"id": "a", "pk": "p"})
        handle.drain(BOUND)
    assert (rec.cosmos_raised, rec.cosmos_batches) == ([["a"]], [["a"]])


def test_cosmos_lease_survives_a_host_restart(registry: Registry) -> None:
    docs = _sample_docs(registry)
    first = Recorder()
    with running_devhost(build_app(first)) as handle:
        docs.create({"id": "a", "pk": "p"})
        handle.drain(BOUND)
    docs.create({"id": "while-down", "pk": "p"})
    second = Recorder()
    with running_devhost(build_app(second)) as handle:
        handle.drain(BOUND)
        docs.create({"id": "b", "pk": "p"})
        handle.drain(BOUND)
    assert (first.cosmos_batches, second.cosmos_batches) == ([["a"]], [["while-down"], ["b"]])
