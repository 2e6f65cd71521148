"""Calls the product app's HTTP triggers through ``azure.functions`` objects, as the host
would: one place that builds requests and reads responses for every context's tests."""

from __future__ import annotations

import functools
import json
from typing import Any

import azure.functions as func

from tests.app_index import indexed_functions


@functools.cache
def user_functions() -> dict[str, Any]:
    """Indexed once per test session: the app's functions do not change."""
    return {name: f.get_user_function() for name, f in indexed_functions().items()}


def function(name: str) -> Any:
    return user_functions()[name]


def build_request(
    method: str,
    path: str,
    *,
    body: Any = None,
    params: dict[str, str] | None = None,
    route: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    token: str | None = None,
) -> func.HttpRequest:
    """``body`` goes out as JSON unless it is already bytes."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    return func.HttpRequest(
        method=method,
        url=f"http://localhost/api/{path}",
        body=raw,
        headers=sent,
        params=params or {},
        route_params=route or {},
    )


class Response:
    """Status, headers and the decoded JSON body of one call."""

    def __init__(self, raw: func.HttpResponse) -> None:
        self.raw = raw
        self.status = raw.status_code
        self.headers = dict(raw.headers)
        body = raw.get_body()
        self.json: Any = json.loads(body) if body else None

    @property
    def code(self) -> str:
        return str(self.json["error"]["code"])


def call(name: str, method: str, path: str, **request: Any) -> Response:
    """Invoke the function ``name``; ``request`` takes the arguments of ``build_request``."""
    return Response(function(name)(build_request(method, path, **request)))
