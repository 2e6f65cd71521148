"""commercetools down: products are served from the cache past their lifetime for a
bounded time (stale-if-error), and the GraphQL answer says so in ``extensions``.

commercetools is the real adapter and source over ``httpx.MockTransport`` answering with
a recorded projection (no local commercetools server exists), switched off by the test.
Time is a ``ManualClock``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.adapters.commercetools import CommercetoolsClient
from shared.bootstrap import Registry
from shared.catalog.sources.commercetools import CommercetoolsSource
from tests.conftest import embedded_settings
from tests.functions.catalog_helpers import gql

PRODUCT = "a1b2c3d4-0000-4000-8000-000000000001"
PROJECTIONS = json.loads(
    (
        Path(__file__).parent.parent / "unit" / "fixtures" / "commercetools_projections.json"
    ).read_text()
)
QUERY = f'{{ product(productId: "{PRODUCT}") {{ name version }} }}'
TTL, STALE = 3600, 600
STALE_NOTE = {
    "staleIfError": {
        "products": [PRODUCT],
        "reason": "the catalog source is unavailable; these products are served from the cache "
        "past their lifetime",
    }
}


class Commercetools:
    """The API as a transport: the recorded projection, or 502 while ``down``."""

    def __init__(self) -> None:
        self.down = False
        self.api_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 172800})
        self.api_calls += 1
        if self.down:
            return httpx.Response(502)
        return httpx.Response(200, json=PROJECTIONS)


@pytest.fixture
def ctp(tmp_path: Path) -> Any:
    reg = Registry(
        embedded_settings(
            tmp_path,
            CATALOG_CACHE_TTL_SECONDS=TTL,
            CATALOG_STALE_IF_ERROR_SECONDS=STALE,
        )
    )
    clock = ManualClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    api = Commercetools()
    reg.override(clock=clock)
    client = CommercetoolsClient(
        project_key="shop",
        client_id="cid",
        client_secret="secret",
        auth_url="https://auth.example",
        api_url="https://api.example",
        cache=reg.cache(),
        transport=httpx.MockTransport(api),
        sleep=lambda _s: None,
        breaker_fail_max=100,
        clock=clock,
    )
    reg.override(catalog_source=CommercetoolsSource(client))
    with bootstrap.use_registry(reg):
        yield clock, api


def answer() -> tuple[Any, Any, list[str]]:
    body = gql(QUERY)
    codes = [e["extensions"]["code"] for e in body.get("errors", ())]
    return body["data"], body.get("extensions"), codes


def test_a_product_past_its_lifetime_is_served_while_commercetools_is_down(ctp: Any) -> None:
    clock, api = ctp
    product = {"product": {"name": "Velvet Matte Lipstick", "version": 7}}
    assert answer() == (product, None, [])
    api.down = True
    clock.advance(TTL - 1)
    assert answer() == (product, None, [])
    assert api.api_calls == 1
    clock.advance(1)
    assert answer() == (product, STALE_NOTE, [])
    clock.advance(STALE - 1)
    assert answer() == (product, STALE_NOTE, [])
    clock.advance(1)
    assert answer() == ({"product": None}, None, ["CATALOG_SOURCE_UNAVAILABLE"])


def test_once_commercetools_is_back_the_entry_is_fresh_again_at_its_own_version(
    ctp: Any,
) -> None:
    """The refresh rewrites the entry at the version it already had (the guard lets an
    equal version lose, so the stale entry is cleared first): the next outage starts
    from a fresh entry."""
    clock, api = ctp
    answer()
    clock.advance(TTL)
    api.down = True
    assert answer()[1] == STALE_NOTE
    api.down = False
    assert answer()[1] is None
    api.down = True
    clock.advance(TTL - 1)
    calls = api.api_calls
    assert answer() == ({"product": {"name": "Velvet Matte Lipstick", "version": 7}}, None, [])
    assert api.api_calls == calls
