"""The Cache port contract, run against the in-process cache and a real Redis."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from redis.auth.err import RequestTokenErr
from redis.credentials import CredentialProvider

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.cache_redis import RedisCache
from shared.errors import BadRequest, ConfigurationError, Unavailable
from shared.ports import Cache


def eventually(predicate: Callable[[], bool], within: float = 5.0) -> bool:
    """Poll a condition that must become true; bounded so a broken adapter fails."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.parametrize(
    "value",
    [
        {"sku": "A1", "qty": 3, "tags": ["new"], "price": 12.5, "gift": None},
        [1, "two", {"three": 3}],
        "plain text with ünïcode",
        42,
        0,
        False,
        "",
    ],
    ids=["object", "array", "string", "int", "zero", "false", "empty-string"],
)
def test_set_then_get_round_trips_json(cache: Cache, value: Any) -> None:
    cache.set("k", value)
    assert cache.get("k") == value
    assert cache.get_versioned("k") == (value, None)


def test_missing_key_reads_as_none(cache: Cache) -> None:
    assert cache.get("absent") is None
    assert cache.get_versioned("absent") is None


def test_set_overwrites(cache: Cache) -> None:
    cache.set("k", {"a": 1})
    cache.set("k", {"a": 2})
    assert cache.get("k") == {"a": 2}


def test_cached_value_is_a_copy(cache: Cache) -> None:
    value = {"items": [1, 2]}
    cache.set("k", value)
    value["items"].append(3)
    read = cache.get("k")
    read["items"].append(4)
    assert cache.get("k") == {"items": [1, 2]}


@pytest.mark.parametrize("value", [{1, 2}, object(), float("nan")], ids=["set", "object", "nan"])
def test_non_json_value_is_rejected(cache: Cache, value: Any) -> None:
    with pytest.raises(BadRequest):
        cache.set("k", value)
    assert cache.get("k") is None


@pytest.mark.parametrize("ttl", [0, -5], ids=["zero", "negative"])
def test_non_positive_ttl_is_rejected(cache: Cache, ttl: int) -> None:
    with pytest.raises(BadRequest):
        cache.set("k", 1, ttl_seconds=ttl)
    with pytest.raises(BadRequest):
        cache.set_if_newer("k", 1, 1, ttl_seconds=ttl)
    assert cache.get("k") is None


def test_entry_with_ttl_expires(cache: Cache) -> None:
    cache.set("short", "gone soon", ttl_seconds=1)
    cache.set("long", "stays", ttl_seconds=3600)
    cache.set("forever", "stays")
    assert eventually(lambda: cache.get("short") is None)
    assert cache.get_many(["short", "long", "forever"]) == {"long": "stays", "forever": "stays"}


def test_versioned_entry_with_ttl_expires_and_can_be_rewritten(cache: Cache) -> None:
    assert cache.set_if_newer("k", "v5", 5, ttl_seconds=1) is True
    assert eventually(lambda: cache.get_versioned("k") is None)
    assert cache.set_if_newer("k", "v1", 1) is True
    assert cache.get_versioned("k") == ("v1", 1)


def test_delete(cache: Cache) -> None:
    cache.set("k", 1)
    cache.set("other", 2)
    cache.delete("k")
    cache.delete("never-set")
    assert cache.get("k") is None
    assert cache.get("other") == 2


def test_delete_many(cache: Cache) -> None:
    for key in ["a", "b", "c"]:
        cache.set(key, key.upper())
    cache.delete_many(["a", "c", "never-set"])
    cache.delete_many([])
    assert cache.get_many(["a", "b", "c"]) == {"b": "B"}


def test_get_many_returns_present_keys_only(cache: Cache) -> None:
    cache.set("a", {"n": 1})
    cache.set_if_newer("b", [2], 7)
    cache.set("c", None)
    assert cache.get_many(["a", "missing", "b", "c"]) == {"a": {"n": 1}, "b": [2], "c": None}
    assert cache.get_many([]) == {}


@pytest.mark.parametrize(
    ("stored", "incoming", "written", "final"),
    [
        (None, 3, True, ("new", 3)),
        (3, 2, False, ("old", 3)),
        (3, 3, False, ("old", 3)),
        (3, 4, True, ("new", 4)),
        (-1, 0, True, ("new", 0)),
        (2**40, 2**40 + 1, True, ("new", 2**40 + 1)),
    ],
    ids=["absent-writes", "older-loses", "equal-loses", "newer-wins", "negative", "large"],
)
def test_set_if_newer(
    cache: Cache, stored: int | None, incoming: int, written: bool, final: tuple[str, int]
) -> None:
    if stored is not None:
        assert cache.set_if_newer("k", "old", stored) is True
    assert cache.set_if_newer("k", "new", incoming) is written
    assert cache.get_versioned("k") == final
    assert cache.get("k") == final[0]


def test_set_if_newer_overwrites_an_unversioned_entry(cache: Cache) -> None:
    cache.set("k", "plain")
    assert cache.set_if_newer("k", "versioned", 1) is True
    assert cache.get_versioned("k") == ("versioned", 1)


def test_plain_set_drops_the_version(cache: Cache) -> None:
    cache.set_if_newer("k", "versioned", 9)
    cache.set("k", "plain")
    assert cache.get_versioned("k") == ("plain", None)
    assert cache.set_if_newer("k", "again", 1) is True


def test_concurrent_set_if_newer_keeps_the_highest_version(cache: Cache) -> None:
    versions = list(range(1, 201))
    wins: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def writer(mine: list[int]) -> None:
        start.wait()
        for version in mine:
            if cache.set_if_newer("race", {"version": version}, version):
                with lock:
                    wins.append(version)

    threads = [threading.Thread(target=writer, args=(versions[i::8][::-1],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get_versioned("race") == ({"version": 200}, 200)
    assert 200 in wins
    assert cache.set_if_newer("race", "late", 200) is False


def test_check_names_the_adapter(cache: Cache) -> None:
    assert cache.check() == ("memory" if isinstance(cache, MemoryCache) else "redis")


def test_clear_drops_every_entry_of_the_app_and_nothing_else(
    cache: Cache, redis_url: str, unique_prefix: str
) -> None:
    """On Redis: every key under the prefix (past one SCAN batch), and no other app's."""
    import redis

    neighbour = redis.Redis.from_url(redis_url)
    neighbour.set(f"other:{unique_prefix}keep", "1")
    try:
        cache.set_many({f"k{n}": n for n in range(1_234)})
        cache.set_if_newer("versioned", "v", 3)
        cache.clear()
        assert cache.get_many([f"k{n}" for n in range(1_234)]) == {}
        assert cache.get_versioned("versioned") is None
        assert cache.set_if_newer("versioned", "again", 1) is True
        assert neighbour.get(f"other:{unique_prefix}keep") == b"1"
    finally:
        neighbour.delete(f"other:{unique_prefix}keep")
        neighbour.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_memory_ttl_follows_the_clock_exactly() -> None:
    clock = FakeClock()
    cache = MemoryCache(max_entries=10, clock=clock)
    cache.set("k", "v", ttl_seconds=30)
    clock.now += 29.999
    assert cache.get("k") == "v"
    clock.now += 0.001
    assert cache.get("k") is None
    assert len(cache) == 0


def test_memory_evicts_least_recently_used() -> None:
    cache = MemoryCache(max_entries=3)
    for key in ["a", "b", "c"]:
        cache.set(key, key)
    assert cache.get("a") == "a"
    cache.set("d", "d")
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}
    assert len(cache) == 3


def test_redis_prefix_is_a_literal_pattern_for_clear(redis_url: str) -> None:
    """A prefix holding glob characters clears its own keys, not its look-alikes'."""
    import redis

    raw = redis.Redis.from_url(redis_url)
    cache = RedisCache.from_url(redis_url, prefix="t[1]*:")
    try:
        cache.set("a", 1)
        raw.set("t1x:a", "look-alike")
        cache.clear()
        assert (cache.get("a"), raw.get("t1x:a")) == (None, b"look-alike")
    finally:
        raw.delete("t1x:a")
        raw.close()
        cache.close()


def test_redis_stores_ttl_on_the_key(redis_url: str, unique_prefix: str) -> None:
    import redis

    cache = RedisCache.from_url(redis_url, prefix=unique_prefix)
    client = redis.Redis.from_url(redis_url)
    try:
        cache.set("plain", 1, ttl_seconds=120)
        cache.set_if_newer("versioned", 1, 1, ttl_seconds=60)
        cache.set("forever", 1)
        assert 0 < client.ttl(unique_prefix + "plain") <= 120
        assert 0 < client.ttl(unique_prefix + "versioned") <= 60
        assert client.ttl(unique_prefix + "forever") == -1
        assert client.get(unique_prefix + "versioned") == b'{"ver":1,"v":1}'
    finally:
        client.delete(*(unique_prefix + k for k in ["plain", "versioned", "forever"]))
        client.close()
        cache.close()


def test_redis_outage_is_unavailable_without_secrets() -> None:
    cache = RedisCache.from_url("redis://:s3cret-pass@127.0.0.1:1/0", prefix="p:")
    for operation in [
        lambda: cache.get("k"),
        lambda: cache.get_many(["k"]),
        lambda: cache.set("k", 1),
        lambda: cache.set_if_newer("k", 1, 1),
        lambda: cache.delete_many(["k"]),
        cache.check,
    ]:
        with pytest.raises(Unavailable) as raised:
            operation()
        assert "s3cret" not in str(raised.value)
        assert "127.0.0.1" not in str(raised.value)
        assert raised.value.__cause__ is None
    cache.close()


def test_invalid_redis_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as raised:
        RedisCache.from_url("http://user:s3cret@example.invalid")
    assert "s3cret" not in str(raised.value)


def test_with_entra_builds_a_tls_client_with_a_token_provider_and_no_io() -> None:
    from redis.connection import SSLConnection
    from redis_entraid.cred_provider import EntraIdCredentialsProvider

    cache = RedisCache.with_entra("contoso.redis.cache.windows.net", 6380, client_id="mi-id")
    pool = cache._client.connection_pool
    assert pool.connection_class is SSLConnection
    assert pool.connection_kwargs["host"] == "contoso.redis.cache.windows.net"
    assert pool.connection_kwargs["port"] == 6380
    assert isinstance(pool.connection_kwargs["credential_provider"], EntraIdCredentialsProvider)
    assert pool.connection_kwargs.get("password") is None
    cache.close()


class FailingTokenProvider(CredentialProvider):
    """An Entra credential provider whose token request fails, as when the managed
    identity endpoint is down; the Redis server itself is real."""

    def get_credentials(self) -> tuple[str, str]:
        raise RequestTokenErr(RuntimeError("token endpoint unreachable"))


def test_token_failure_is_unavailable(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, credential_provider=FailingTokenProvider())
    cache = RedisCache(client, prefix="never:")
    with pytest.raises(Unavailable) as raised:
        cache.get("k")
    assert raised.value.message == "redis is unavailable (RequestTokenErr)"
    cache.close()
