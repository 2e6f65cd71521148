"""Cache and event adapters: per-operation cost, to see what a request pays.

Prints microseconds per operation for the in-process cache and, when it answers, the
local Redis (``TEST_REDIS_URL``), and for packing and publishing 100 envelopes on the
local bus and through the Event Hubs adapter onto a producer that sends nowhere (so the
figure is this code plus the SDK's batch arithmetic, without the network).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.adapters.events_eventhub import EventHubPublisher
from shared.adapters.events_local import LocalBus
from shared.errors import Unavailable
from shared.ports import Cache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2000"))
VALUE = {"sku": "SKU-123456", "qty": 12, "nodes": [{"id": f"n{i}", "qty": i} for i in range(10)]}


def per_op_us(operation: Callable[[int], Any], rounds: int = ROUNDS) -> float:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        operation(i)
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def bench_cache(name: str, cache: Cache) -> None:
    keys = [f"k{i}" for i in range(100)]
    for key in keys:
        cache.set(key, VALUE, ttl_seconds=600)
    figures = {
        "set": per_op_us(lambda i: cache.set(keys[i % 100], VALUE, ttl_seconds=600)),
        "get": per_op_us(lambda i: cache.get(keys[i % 100])),
        "set_if_newer": per_op_us(lambda i: cache.set_if_newer("v", VALUE, i)),
        "get_many(100)": per_op_us(lambda _i: cache.get_many(keys), ROUNDS // 10),
    }
    cache.delete_many([*keys, "v"])
    print(f"{name:8} " + "  ".join(f"{op} {us:8.1f} us" for op, us in figures.items()))


class NowhereProducer:
    def create_batch(self, *, partition_key: str | None = None) -> Any:
        from azure.eventhub import EventDataBatch

        return EventDataBatch(partition_key=partition_key)

    def send_batch(self, event_data_batch: Any, *, timeout: float | None = None) -> None:
        return None

    def get_eventhub_properties(self) -> dict[str, Any]:
        return {}

    def close(self) -> None:
        return None


def envelopes(count: int) -> list[dict[str, Any]]:
    return [
        {
            "eventId": str(uuid.uuid4()),
            "eventType": "InventoryChanged",
            "timestamp": "2026-11-30T06:00:00Z",
            "serviceId": "inventory",
            "subject": f"SKU-{i % 10}",
            "version": i,
            "payload": VALUE,
        }
        for i in range(count)
    ]


def main() -> None:
    bench_cache("memory", MemoryCache(max_entries=10_000))
    redis_cache = RedisCache.from_url(REDIS_URL, prefix=f"bench:{uuid.uuid4().hex[:8]}:")
    try:
        redis_cache.check()
        bench_cache("redis", redis_cache)
    except Unavailable:
        print(f"redis    not answering at {REDIS_URL}; skipped")
    finally:
        redis_cache.close()
    batch = envelopes(100)
    bus = LocalBus()
    hub = EventHubPublisher(lambda _hub: NowhereProducer())
    local_us = per_op_us(lambda _i: bus.publish("h", batch), 200)
    hub_us = per_op_us(lambda _i: hub.publish("h", batch), 200)
    print(f"local-bus publish(100 events, 10 keys) {local_us:9.1f} us")
    print(
        f"eventhub  publish(100 events, 10 keys) {hub_us:9.1f} us "
        "(no network; a worker thread per publish for its deadline)"
    )


if __name__ == "__main__":
    main()
