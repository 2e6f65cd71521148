"""GET /api/health through the registered function, on embedded adapters."""

from __future__ import annotations

import json

import azure.functions as func

from shared.bootstrap import Registry
from tests.app_index import user_function


def call_health() -> func.HttpResponse:
    req = func.HttpRequest(method="GET", url="http://localhost/api/health", body=b"", headers={})
    response: func.HttpResponse = user_function("health")(req)
    return response


def test_health_reports_each_embedded_adapter(registry: Registry) -> None:
    resp = call_health()
    assert resp.status_code == 200
    assert json.loads(resp.get_body()) == {
        "status": "ok",
        "checks": {"sql": "ok", "documents": "ok", "cache": "ok", "events": "ok"},
        "adapters": {
            "sql": "sqlite",
            "documents": "embedded-sqlite",
            "cache": "memory",
            "events": "local-bus",
        },
    }


def test_health_names_the_failing_check_without_secrets(registry: Registry) -> None:
    from shared.adapters.sql import SqlDatabase

    registry.override(sql=SqlDatabase("mysql+pymysql://app:s3cret-pw@127.0.0.1:1/confighub"))
    resp = call_health()
    assert resp.status_code == 503
    body = json.loads(resp.get_body())
    assert body["status"] == "unavailable"
    assert body["checks"]["sql"] == "failed"
    assert body["checks"]["cache"] == "ok"
    assert "s3cret-pw" not in resp.get_body().decode()
    assert body["failures"] == {"sql": "sql database unreachable (OperationalError)"}
