"""The cache as an accelerator: ``BypassingCache`` around a real Redis that the test
starts on a free port, kills, freezes and restarts by its PID.

Time is the breaker's ``ManualClock``: the circuit probes again only when the test moves
the clock past ``reset_seconds`` (10 s here), so "still bypassed" and "repaired" are
exact states, not races.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from shared.adapters.cache_bypass import BypassingCache
from shared.adapters.cache_redis import RedisCache
from shared.adapters.clock import ManualClock
from shared.errors import BadRequest, Unavailable
from tests.contract.conftest import bypassing
from tests.redis_server import RedisProcess, missing_prerequisite

PREFIX = "app:"
TIMEOUT = 0.2
"""Each command's deadline: what a frozen Redis costs a call before the circuit opens."""


@pytest.fixture
def server() -> Iterator[RedisProcess]:
    problem = missing_prerequisite()
    if problem is not None:
        pytest.skip(problem)
    process = RedisProcess()
    process.start()
    yield process
    process.kill()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def raw(server: RedisProcess) -> Iterator[redis.Redis]:
    """Redis as it is, past the adapter (only while the server runs)."""
    client = redis.Redis.from_url(server.url, decode_responses=True, socket_timeout=5)
    yield client
    client.close()


def build(server: RedisProcess, clock: ManualClock, max_write_around: int = 1_000) -> Any:
    inner = RedisCache.from_url(server.url, prefix=PREFIX, timeout=TIMEOUT)
    cache: BypassingCache = bypassing(inner, clock, max_write_around)  # type: ignore[assignment]
    return cache


def open_circuit(cache: Any) -> None:
    """Two failed calls: the breaker's threshold here."""
    assert cache.get("probe-1") is None
    assert cache.get("probe-2") is None
    assert cache.breaker.current_state == "open"


def test_a_dead_redis_is_a_miss_and_a_skipped_write_never_an_error(
    server: RedisProcess, clock: ManualClock
) -> None:
    cache = build(server, clock)
    cache.set("k", {"a": 1})
    server.kill()
    assert cache.get("k") is None
    assert cache.get_many(["k", "j"]) == {}
    assert cache.get_versioned("k") is None
    assert cache.set_if_newer("k", {"a": 2}, 2) is False
    assert cache.set_many_if_newer({"k": ({"a": 3}, 3)}) == set()
    cache.set("j", 1)
    cache.delete_many(["j"])
    assert cache.breaker.current_state == "open"
    with pytest.raises(Unavailable) as raised:
        cache.check()
    assert raised.value.message == "cache bypassed (circuit open): reads go to the stores"


def test_an_open_circuit_sends_nothing_until_it_may_probe(
    server: RedisProcess, clock: ManualClock, raw: redis.Redis
) -> None:
    """Redis answers again, but the circuit is open: reads stay misses (the store
    answers) until the reset time has passed on the clock; then one call probes."""
    cache = build(server, clock)
    raw.set(PREFIX + "k", '{"v":"cached"}')
    server.pause()
    open_circuit(cache)
    server.resume()
    clock.advance(9.9)
    assert cache.get("k") is None
    clock.advance(0.2)
    assert cache.get("k") == "cached"
    assert cache.breaker.current_state == "closed"


def test_bad_input_to_a_write_it_keeps_is_refused_as_redis_would_even_when_bypassed(
    server: RedisProcess, clock: ManualClock
) -> None:
    cache = build(server, clock)
    server.kill()
    open_circuit(cache)
    with pytest.raises(BadRequest):
        cache.set_if_newer("k", {1, 2}, 1)
    with pytest.raises(BadRequest):
        cache.set_many_if_newer({"k": (float("nan"), 1)})
    with pytest.raises(BadRequest):
        cache.set_many({"k": 1}, ttl_seconds=0)


def test_writes_skipped_during_an_outage_are_repaired_before_anything_is_read(
    server: RedisProcess, clock: ManualClock, raw: redis.Redis
) -> None:
    """Redis frozen, then thawed with its old data. Each skipped write is repaired for
    what it was: a versioned one replayed under its guard (a product moved on, a stock
    mark that must distrust older entries), a plain set or a delete deleted."""
    cache = build(server, clock)
    cache.set_if_newer("product", {"name": "old"}, 1, 3600)
    cache.set_if_newer("mark", 100, 100, 600)
    cache.set("env", "built-before", 300)
    cache.set("nodes", ["DC1"], 60)
    cache.set_if_newer("newer-elsewhere", "v5", 5)
    server.pause()
    open_circuit(cache)
    assert cache.set_if_newer("product", {"name": "new"}, 2, 3600) is False
    assert cache.set_many_if_newer({"mark": (200, 200)}, 600) == set()
    cache.set("env", "built-during", 300)
    cache.delete("nodes")
    cache.set_if_newer("newer-elsewhere", "v4", 4)
    server.resume()
    assert raw.get(PREFIX + "product") == '{"ver":1,"v":{"name":"old"}}'
    assert cache.get("product") is None
    clock.advance(10)
    assert cache.get_versioned("product") == ({"name": "new"}, 2)
    assert {key: raw.get(PREFIX + key) for key in ("mark", "env", "nodes", "newer-elsewhere")} == {
        "mark": '{"ver":200,"v":200}',
        "env": None,
        "nodes": None,
        "newer-elsewhere": '{"ver":5,"v":"v5"}',
    }
    assert (raw.ttl(PREFIX + "product"), raw.ttl(PREFIX + "mark")) == (3590, 590)
    assert not cache.skipped


def test_a_replay_whose_ttl_ran_out_during_the_outage_is_a_delete(
    server: RedisProcess, clock: ManualClock, raw: redis.Redis
) -> None:
    cache = build(server, clock)
    cache.set_if_newer("stock", "old", 1, 30)
    server.pause()
    open_circuit(cache)
    cache.set_if_newer("stock", "new", 2, 30)
    server.resume()
    clock.advance(30)
    assert cache.get("stock") is None
    assert raw.exists(PREFIX + "stock") == 0


def test_a_later_delete_wins_over_an_earlier_skipped_replay_and_the_reverse(
    server: RedisProcess, clock: ManualClock, raw: redis.Redis
) -> None:
    cache = build(server, clock)
    cache.set_many({"a": "old", "b": "old"})
    server.pause()
    open_circuit(cache)
    cache.set_if_newer("a", "replayed", 7)
    cache.delete("a")
    cache.delete("b")
    cache.set_if_newer("b", "replayed", 7)
    server.resume()
    clock.advance(10)
    assert (cache.get("a"), cache.get("b")) == (None, "replayed")
    assert raw.get(PREFIX + "a") is None


def test_a_repair_that_fails_is_kept_for_the_next_probe(
    server: RedisProcess, clock: ManualClock
) -> None:
    cache = build(server, clock)
    cache.set_if_newer("product", "old", 1)
    server.pause()
    open_circuit(cache)
    cache.set_if_newer("product", "new", 2)
    clock.advance(10)
    assert cache.get("product") is None
    assert cache.breaker.current_state == "open"
    server.resume()
    clock.advance(10)
    assert cache.get("product") == "new"


def test_a_restarted_empty_redis_is_used_again_after_the_probe(
    server: RedisProcess, clock: ManualClock
) -> None:
    cache = build(server, clock)
    cache.set_if_newer("product", "v1", 1)
    server.kill()
    open_circuit(cache)
    cache.set_if_newer("product", "v2", 2)
    server.start()
    clock.advance(10)
    assert cache.check() == "redis"
    assert cache.get_versioned("product") == ("v2", 2)


def test_past_the_bound_the_repair_drops_every_key_of_the_app(
    server: RedisProcess, clock: ManualClock, raw: redis.Redis
) -> None:
    """Three keys skipped with room for two: the process can no longer name what it made
    stale, so every key under its prefix goes, and no one else's."""
    cache = build(server, clock, max_write_around=2)
    cache.set_many({"untouched": 1, "a": 1, "b": 1, "c": 1})
    raw.set("neighbour:key", "kept")
    server.pause()
    open_circuit(cache)
    for key in ("a", "b", "c"):
        cache.set(key, 2)
    server.resume()
    clock.advance(10)
    assert cache.check() == "redis"
    assert sorted(raw.scan_iter(match=PREFIX + "*")) == []
    assert raw.get("neighbour:key") == "kept"
