"""Fixtures of the contract suites in this directory.

``document_store`` runs a DocumentStore test on the embedded store and on Cosmos DB
(cosmosdb-server); ``products`` is one container of it, ``seeded`` the same with DOCS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.ports import Cache, DocumentContainer, DocumentStore
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


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Iterator[Cache]:
    """The Cache port on both adapters; Redis keys live under a unique prefix, removed after."""
    if request.param == "memory":
        yield MemoryCache(max_entries=1_000)
        return
    url: str = request.getfixturevalue("redis_url")
    prefix: str = request.getfixturevalue("unique_prefix")
    redis_cache = RedisCache.from_url(url, prefix=prefix)
    yield redis_cache
    import redis

    client = redis.Redis.from_url(url)
    leftovers = list(client.scan_iter(match=prefix + "*"))
    if leftovers:
        client.delete(*leftovers)
    client.close()
    redis_cache.close()
