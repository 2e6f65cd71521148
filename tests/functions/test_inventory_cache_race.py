"""An availability read that began before a write can never refill inventory's cache
with the old records once the write is acknowledged.

The reader reads the supply records, then (before it stores them) a write runs to
completion; the reader's store must lose, so the next read shows the write. Runs on the
in-process cache and on Redis: the guard is the Cache port's ``set_many_if_newer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.bootstrap import Registry
from shared.inventory.model import AdjustmentRequest, ReserveInventory, SupplySpec
from shared.inventory.service import InventoryService, supply_cache_key
from shared.ports import Cache
from tests.functions.inventory_client import ENTERPRISE, inventory_over, put_node, put_supply

ITEM = "SKU1"
NODE = "DC1"


class RacingCache:
    """The real cache, with ``before_store`` run once just before the first
    ``set_many_if_newer``: the moment a slow reader has read but not yet stored."""

    def __init__(self, inner: Cache, before_store: Callable[[], None]) -> None:
        self._inner = inner
        self._before_store: Callable[[], None] | None = before_store
        self.raced = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def set_many_if_newer(
        self, entries: dict[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> set[str]:
        if self._before_store is not None:
            run, self._before_store = self._before_store, None
            run()
            self.raced += 1
        return self._inner.set_many_if_newer(entries, ttl_seconds)


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> Iterator[Cache]:
    if request.param == "memory":
        yield MemoryCache(max_entries=1_000)
        return
    url: str = request.getfixturevalue("redis_url")
    prefix: str = request.getfixturevalue("unique_prefix")
    redis_cache = RedisCache.from_url(url, prefix=prefix)
    redis_cache.delete_many([supply_cache_key(ITEM)])
    yield redis_cache
    redis_cache.delete_many([supply_cache_key(ITEM)])
    redis_cache.close()


def over(registry: Registry, cache: Any) -> InventoryService:
    return inventory_over(registry, cache=cache)


WRITES: list[Any] = [
    pytest.param(
        lambda svc: svc.supply.set_supply(ITEM, NODE, SupplySpec(quantity=3), "admin-7"),
        id="supply-put",
    ),
    pytest.param(
        lambda svc: svc.supply.adjust(
            AdjustmentRequest.model_validate(
                {
                    "reason": "cycle count",
                    "adjustments": [{"itemId": ITEM, "shipNode": NODE, "quantity": -7}],
                }
            ),
            "admin-7",
        ),
        id="adjustment",
    ),
    pytest.param(
        lambda svc: svc.reservations.reserve(
            ReserveInventory.model_validate(
                {
                    "reservationId": "cart-1",
                    "enterpriseCode": ENTERPRISE,
                    "lines": [{"itemId": ITEM, "quantity": 7}],
                }
            )
        ),
        id="reservation",
    ),
]


@pytest.mark.parametrize("write", WRITES)
def test_a_reader_older_than_a_write_cannot_refill_the_cache(
    registry: Registry, cache: Cache, write: Callable[[InventoryService], Any]
) -> None:
    assert put_node(NODE).status == 201
    assert put_supply(ITEM, NODE, 10).status == 201
    writer = over(registry, cache)
    racing = RacingCache(cache, lambda: write(writer))
    slow_reader = over(registry, racing)

    assert (
        slow_reader.availability.get_availability(ITEM).network.available == 10
    )  # read before the write
    assert racing.raced == 1
    after = over(registry, cache).availability.get_availability(ITEM)
    assert (after.network.available, after.version) == (3, 2)
    cached = cache.get_versioned(supply_cache_key(ITEM))
    assert cached is not None
    assert cached[1] == 2
