"""The Cache port's batch writes (``set_many``, ``set_many_if_newer``) on both adapters.

Split from test_cache.py for size; the ``cache`` fixture (both adapters) is in conftest.py.
Each batch must mean exactly what the single-key writes mean, key by key, and cost one
round trip on Redis: counted here at the socket, so a loop of single writes fails.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import redis
from redis.connection import Connection

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.errors import BadRequest, Unavailable
from shared.ports import Cache
from tests.contract.test_cache import FakeClock, eventually


def test_set_many_writes_every_entry_and_drops_versions(cache: Cache) -> None:
    assert cache.set_if_newer("b", "versioned", 9) is True
    cache.set("untouched", "stays")
    assert cache.set_many({"a": {"n": 1}, "b": [2], "c": None, "d": ""}) is None
    assert cache.get_many(["a", "b", "c", "d", "untouched"]) == {
        "a": {"n": 1},
        "b": [2],
        "c": None,
        "d": "",
        "untouched": "stays",
    }
    assert cache.get_versioned("b") == ([2], None)
    assert cache.set_if_newer("b", "again", 1) is True


def test_empty_batches_write_nothing(cache: Cache) -> None:
    assert cache.set_many({}) is None
    assert cache.set_many_if_newer({}) == set()
    assert cache.set_many({}, ttl_seconds=60) is None
    assert cache.set_many_if_newer({}, ttl_seconds=60) == set()


# (stored version or "plain" or None, incoming version, written, final (value, version))
MIXED: dict[str, tuple[int | str | None, int, bool, tuple[str, int]]] = {
    "absent": (None, 3, True, ("new", 3)),
    "older": (3, 2, False, ("old", 3)),
    "equal": (3, 3, False, ("old", 3)),
    "newer": (3, 4, True, ("new", 4)),
    "plain": ("plain", 1, True, ("new", 1)),
    "negative": (-1, 0, True, ("new", 0)),
    "large": (2**40, 2**40 + 1, True, ("new", 2**40 + 1)),
    "large-loses": (2**40 + 1, 2**40, False, ("old", 2**40 + 1)),
}


@pytest.mark.parametrize("ttl", [None, 3600], ids=["no-ttl", "ttl"])
def test_set_many_if_newer_guards_each_key_like_set_if_newer(cache: Cache, ttl: int | None) -> None:
    for key, (stored, _, _, _) in MIXED.items():
        if stored == "plain":
            cache.set(key, "old")
        elif isinstance(stored, int):
            assert cache.set_if_newer(key, "old", stored) is True
    written = cache.set_many_if_newer(
        {key: ("new", incoming) for key, (_, incoming, _, _) in MIXED.items()}, ttl
    )
    assert written == {"absent", "newer", "plain", "negative", "large"}
    assert {key: cache.get_versioned(key) for key in MIXED} == {
        key: final for key, (_, _, _, final) in MIXED.items()
    }


def test_set_many_if_newer_replayed_writes_nothing(cache: Cache) -> None:
    entries = {"a": ({"v": 1}, 5), "b": ({"v": 2}, 6)}
    assert cache.set_many_if_newer(entries) == {"a", "b"}
    assert cache.set_many_if_newer(entries) == set()
    assert cache.get_many(["a", "b"]) == {"a": {"v": 1}, "b": {"v": 2}}


@pytest.mark.parametrize("ttl", [0, -5], ids=["zero", "negative"])
def test_batches_reject_a_non_positive_ttl_and_write_nothing(cache: Cache, ttl: int) -> None:
    with pytest.raises(BadRequest):
        cache.set_many({"a": 1, "b": 2}, ttl_seconds=ttl)
    with pytest.raises(BadRequest):
        cache.set_many_if_newer({"a": (1, 1), "b": (2, 1)}, ttl_seconds=ttl)
    assert cache.get_many(["a", "b"]) == {}


def test_a_non_json_value_fails_the_whole_batch(cache: Cache) -> None:
    with pytest.raises(BadRequest):
        cache.set_many({"a": 1, "bad": {1, 2}, "c": 3})
    with pytest.raises(BadRequest):
        cache.set_many_if_newer({"a": (1, 1), "bad": (float("nan"), 1), "c": (3, 1)})
    assert cache.get_many(["a", "bad", "c"]) == {}


def test_batch_ttl_expires_and_versioned_keys_can_be_rewritten(cache: Cache) -> None:
    cache.set_many({"s1": 1, "s2": 2}, ttl_seconds=1)
    assert cache.set_many_if_newer({"v1": ("x", 5), "v2": ("y", 5)}, ttl_seconds=1) == {
        "v1",
        "v2",
    }
    cache.set_many({"forever": 0})
    assert cache.set_many_if_newer({"kept": ("k", 1)}) == {"kept"}
    assert eventually(lambda: cache.get_many(["s1", "s2", "v1", "v2"]) == {})
    assert cache.get_many(["forever", "kept"]) == {"forever": 0, "kept": "k"}
    assert cache.set_many_if_newer({"v1": ("again", 1)}) == {"v1"}
    assert cache.get_versioned("v1") == ("again", 1)


def test_concurrent_batches_keep_the_highest_version_per_key(cache: Cache) -> None:
    keys = [f"race{n}" for n in range(10)]
    versions = list(range(1, 81))
    start = threading.Barrier(4)

    def writer(mine: list[int]) -> None:
        start.wait()
        for version in mine:
            cache.set_many_if_newer({key: ({"v": version}, version) for key in keys})

    threads = [threading.Thread(target=writer, args=(versions[i::4][::-1],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {key: cache.get_versioned(key) for key in keys} == {key: ({"v": 80}, 80) for key in keys}
    assert cache.set_many_if_newer({key: ("late", 80) for key in keys}) == set()


def test_memory_batch_ttl_follows_the_clock_exactly() -> None:
    clock = FakeClock()
    cache = MemoryCache(max_entries=10, clock=clock)
    cache.set_many({"a": 1, "b": 2}, ttl_seconds=30)
    cache.set_many_if_newer({"v": (3, 1)}, ttl_seconds=10)
    clock.now += 9.999
    assert cache.get_many(["a", "b", "v"]) == {"a": 1, "b": 2, "v": 3}
    clock.now += 0.001
    assert cache.get_many(["a", "b", "v"]) == {"a": 1, "b": 2}
    clock.now += 20
    assert cache.get_many(["a", "b", "v"]) == {}
    assert len(cache) == 0


class CountingConnection(Connection):
    """A real connection that counts what it sends: one send is one round trip."""

    sends = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sends += 1
        super().send_packed_command(command, check_health)


def test_redis_batches_are_one_round_trip_with_ttl_on_each_key(
    redis_url: str, unique_prefix: str
) -> None:
    pool = redis.ConnectionPool.from_url(
        redis_url, connection_class=CountingConnection, decode_responses=True
    )
    client = redis.Redis(connection_pool=pool)
    cache = RedisCache(client, prefix=unique_prefix)
    keys = [f"k{n}" for n in range(50)]
    try:
        cache.set_many_if_newer({"warm": ("up", 1)})  # connects and loads the script
        CountingConnection.sends = 0
        cache.set_many({k: n for n, k in enumerate(keys)}, ttl_seconds=120)
        assert CountingConnection.sends == 1
        written = cache.set_many_if_newer({f"v{k}": (k, 1) for k in keys}, ttl_seconds=60)
        assert (CountingConnection.sends, len(written)) == (2, 50)
        cache.set_many({}, ttl_seconds=5)
        assert cache.set_many_if_newer({}) == set()
        cache.set_many({"forever": 1})
        assert CountingConnection.sends == 3
        assert all(0 < client.ttl(unique_prefix + k) <= 120 for k in keys)
        assert all(0 < client.ttl(unique_prefix + "v" + k) <= 60 for k in keys)
        assert client.ttl(unique_prefix + "forever") == -1
        assert client.get(unique_prefix + "k7") == '{"v":7}'
        assert client.get(unique_prefix + "vk7") == '{"ver":1,"v":"k7"}'
    finally:
        client.delete(*client.scan_iter(match=unique_prefix + "*"))
        cache.close()


def test_redis_batch_outage_is_unavailable_without_secrets() -> None:
    cache = RedisCache.from_url("redis://:s3cret-pass@127.0.0.1:1/0", prefix="p:")
    for operation in [
        lambda: cache.set_many({"k": 1}),
        lambda: cache.set_many_if_newer({"k": (1, 1)}),
    ]:
        with pytest.raises(Unavailable) as raised:
            operation()
        assert "s3cret" not in str(raised.value)
        assert "127.0.0.1" not in str(raised.value)
        assert raised.value.__cause__ is None
    cache.close()
