"""Fixtures of the contract suites in this directory.

``document_store`` runs a DocumentStore test on the embedded store and on Cosmos DB
(cosmosdb-server); ``products`` is one container of it, ``seeded`` the same with DOCS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.breaker import circuit_breaker
from shared.adapters.cache_bypass import BypassingCache
from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.adapters.clock import ManualClock
from shared.errors import Unavailable
from shared.ports import Cache, Clock, DocumentContainer, DocumentStore
from tests.contract.documents_support import DOCS, PRODUCTS, cosmos_store, embedded_store


@pytest.fixture(params=["embedded", "cosmos"])
def document_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    if request.param == "embedded":
        yield from embedded_store(tmp_path)
    else:
        yield from cosmos_store(request)


@pytest.fixture
def products(document_store: DocumentStore) -> DocumentContainer:
    return document_store.container(PRODUCTS)


@pytest.fixture
def seeded(products: DocumentContainer) -> DocumentContainer:
    for doc in DOCS:
        products.create(doc)
    return products


@pytest.fixture(params=["memory", "redis", "bypass"])
def cache(request: pytest.FixtureRequest) -> Iterator[Cache]:
    """The Cache port on both adapters, and on Redis behind the breaker that bypasses it
    (what bootstrap builds): the contract holds through it while Redis answers. Redis keys
    live under a unique prefix, removed after."""
    if request.param == "memory":
        yield MemoryCache(max_entries=1_000)
        return
    url: str = request.getfixturevalue("redis_url")
    prefix: str = request.getfixturevalue("unique_prefix")
    redis_cache = RedisCache.from_url(url, prefix=prefix)
    if request.param == "redis":
        yield redis_cache
    else:
        yield bypassing(redis_cache)
    import redis

    client = redis.Redis.from_url(url)
    leftovers = list(client.scan_iter(match=prefix + "*"))
    if leftovers:
        client.delete(*leftovers)
    client.close()
    redis_cache.close()


def bypassing(inner: Cache, clock: Clock | None = None, max_write_around: int = 1_000) -> Cache:
    """``inner`` as bootstrap wraps Redis: behind a breaker (2 failures, 10 s)."""
    clock = clock or ManualClock()
    breaker = circuit_breaker(
        "redis",
        fail_max=2,
        reset_seconds=10,
        clock=clock,
        counts=lambda exc: isinstance(exc, Unavailable),
    )
    return BypassingCache(inner, breaker, clock=clock, max_write_around=max_write_around)
