"""Calling ConfigHub triggers the way the host does, on SQLite or MariaDB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from tests.app_index import indexed_functions
from tests.conftest import TEST_SIGNING_KEY, embedded_settings
from tests.http_client import build_request

ADMIN = "ConfigHub.Admin"
READER = "ConfigHub.Reader"


FUNCTIONS = indexed_functions()


def token(*roles: str, subject: str = "alice@example.com") -> str:
    return mint_local_token(TEST_SIGNING_KEY, subject=subject, roles=roles)


@dataclass
class Result:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""
    mimetype: str = ""


def invoke(
    name: str,
    method: str = "GET",
    *,
    body: Any = None,
    params: dict[str, str] | None = None,
    route: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    roles: tuple[str, ...] | None = (ADMIN,),
) -> Result:
    all_headers = dict(headers or {})
    if roles is not None:
        all_headers.setdefault("Authorization", f"Bearer {token(*roles)}")
    req = build_request(
        method, name, body=body or None, params=params, route=route, headers=all_headers
    )
    resp: func.HttpResponse = FUNCTIONS[name].get_user_function()(req)
    raw = resp.get_body()
    parsed: Any = None
    if raw and (resp.mimetype or "").startswith("application/json"):
        parsed = json.loads(raw)
    elif raw:
        parsed = raw.decode()
    return Result(resp.status_code, parsed, dict(resp.headers), raw, resp.mimetype or "")


@pytest.fixture(params=["sqlite", "mariadb"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    """A process registry whose SQL store is SQLite, then a fresh MariaDB database."""
    overrides: dict[str, object] = {}
    if request.param == "mariadb":
        overrides["SQL_URL"] = request.getfixturevalue("mariadb_url")
    reg = Registry(embedded_settings(tmp_path, **overrides))
    with bootstrap.use_registry(reg):
        yield reg


def draft(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "application": "omni-product",
        "profile": "dev",
        "prop": "catalog.page-size",
        "val": "50",
        "valType": "INT",
        "description": "products per page",
    }
    body.update(overrides)
    return body


def create(**overrides: Any) -> Result:
    result = invoke("create_config", "POST", body=draft(**overrides))
    assert result.status == 201, result.body
    return result
