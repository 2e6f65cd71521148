"""The Azure Cache adapter on redis-py (Azure Cache for Redis, or a local Redis).

Every value is a JSON envelope, ``{"ver":N,"v":value}`` or ``{"v":value}``, so plain and
versioned writes share keys. The version leads the envelope so the ``set_if_newer`` Lua
script can read it with a pattern match instead of decoding the whole value. Errors
become ``Unavailable`` naming only the error class: a Redis URL can hold a password.

Every command has a deadline (``REDIS_TIMEOUT_SECONDS``, to connect and to answer) and
is retried at most once, at once, and only when the connection broke (a pooled socket
that a Redis restart closed): a Redis that does not answer costs one timeout, never
redis-py's default of three retries with backoff. ``BypassingCache`` is what makes a
failure harmless.

Batch writes are one round trip each: ``set_many`` is a pipeline without a transaction
(``SET`` per key, each with its own ``EX``), and every versioned write, single or batch,
is one call of one script that compares and writes key by key. A script runs atomically,
so each key is compared and written as one step, exactly as a lone ``set_if_newer``.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import certifi
import redis
from redis.auth.err import RequestTokenErr, TokenRenewalErr
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

from shared.adapters.cache_memory import encode_value
from shared.errors import BadRequest, ConfigurationError, Unavailable

ENTRA_SCOPE = "https://redis.azure.com/.default"

_SET_MANY_IF_NEWER = """
local ttl = ARGV[1]
local written = {}
for i, key in ipairs(KEYS) do
  local envelope = ARGV[2 * i]
  local version = tonumber(ARGV[2 * i + 1])
  local current = redis.call('GET', key)
  local stored = current and string.match(current, '^{"ver":(%-?%d+),')
  if stored and tonumber(stored) >= version then
    written[i] = 0
  else
    if ttl == '0' then
      redis.call('SET', key, envelope)
    else
      redis.call('SET', key, envelope, 'EX', ttl)
    end
    written[i] = 1
  end
end
return written
"""

CLEAR_BATCH = 500


def _deadlines(timeout: float) -> dict[str, Any]:
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "health_check_interval": 30,
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    }


class RedisCache:
    def __init__(self, client: redis.Redis, *, prefix: str = "") -> None:
        self._client = client
        self._prefix = prefix
        self._set_many_if_newer = client.register_script(_SET_MANY_IF_NEWER)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "", timeout: float = 0.5) -> RedisCache:
        """A local or key-authenticated Redis (``redis://`` or ``rediss://``)."""
        try:
            client = redis.Redis.from_url(url, decode_responses=True, **_deadlines(timeout))
        except ValueError:
            raise ConfigurationError("REDIS_URL is not a valid redis:// or rediss:// URL") from None
        return cls(client, prefix=prefix)

    @classmethod
    def with_entra(
        cls,
        host: str,
        port: int = 6380,
        *,
        prefix: str = "",
        client_id: str | None = None,
        timeout: float = 0.5,
    ) -> RedisCache:
        """Azure Cache for Redis over TLS, authenticated by Entra ID (managed identity in
        Azure, the developer's login locally); redis-entraid refreshes the token."""
        from redis_entraid.cred_provider import create_from_default_azure_credential

        provider = create_from_default_azure_credential(
            (ENTRA_SCOPE,),
            app_kwargs={"managed_identity_client_id": client_id} if client_id else {},
        )
        # The token is a password: the server's certificate and host name are verified
        # (redis-py 5 does not check the host name unless told to).
        client = redis.Redis(
            host=host,
            port=port,
            ssl=True,
            ssl_cert_reqs="required",
            ssl_check_hostname=True,
            ssl_ca_certs=certifi.where(),
            credential_provider=provider,
            decode_responses=True,
            **_deadlines(timeout),
        )
        return cls(client, prefix=prefix)

    def get(self, key: str) -> Any | None:
        found = self.get_versioned(key)
        return None if found is None else found[0]

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        with _guard():
            raws: list[str | None] = self._client.mget([self._key(k) for k in keys])  # type: ignore[assignment]
        result: dict[str, Any] = {}
        for key, raw in zip(keys, raws, strict=True):
            decoded = _decode(raw)
            if decoded is not None:
                result[key] = decoded[0]
        return result

    def get_versioned(self, key: str) -> tuple[Any, int | None] | None:
        with _guard():
            raw: str | None = self._client.get(self._key(key))  # type: ignore[assignment]
        return _decode(raw)

    def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        envelope = _encode(value, None)
        with _guard():
            self._client.set(self._key(key), envelope, ex=_ttl(ttl_seconds) or None)

    def set_many(self, entries: Mapping[str, Any], ttl_seconds: int | None = None) -> None:
        ex = _ttl(ttl_seconds) or None
        envelopes = {self._key(k): _encode(v, None) for k, v in entries.items()}
        if not envelopes:
            return
        with _guard():
            pipe = self._client.pipeline(transaction=False)
            for key, envelope in envelopes.items():
                pipe.set(key, envelope, ex=ex)
            pipe.execute()

    def set_if_newer(
        self, key: str, value: Any, version: int, ttl_seconds: int | None = None
    ) -> bool:
        return bool(self.set_many_if_newer({key: (value, version)}, ttl_seconds))

    def set_many_if_newer(
        self, entries: Mapping[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> builtins.set[str]:
        ttl = _ttl(ttl_seconds)
        keys = list(entries)
        args: list[str | int] = [ttl]
        for value, version in entries.values():
            args += [_encode(value, version), int(version)]
        if not keys:
            return builtins.set()
        with _guard():
            flags: list[int] = self._set_many_if_newer(keys=[self._key(k) for k in keys], args=args)
        return {key for key, flag in zip(keys, flags, strict=True) if flag}

    def delete(self, key: str) -> None:
        with _guard():
            self._client.delete(self._key(key))

    def delete_many(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        with _guard():
            self._client.delete(*(self._key(k) for k in keys))

    def clear(self) -> None:
        """Every key under the prefix (every key of the database without one), by SCAN
        and UNLINK in batches: never ``FLUSHDB``, which would take other apps' keys."""
        with _guard():
            batch: list[str] = []
            for key in self._client.scan_iter(match=_glob_escape(self._prefix) + "*", count=1000):
                batch.append(key)
                if len(batch) >= CLEAR_BATCH:
                    self._client.unlink(*batch)
                    batch = []
            if batch:
                self._client.unlink(*batch)

    def check(self) -> str:
        with _guard():
            self._client.ping()
        return "redis"

    def close(self) -> None:
        self._client.close()

    def _key(self, key: str) -> str:
        return self._prefix + key


@contextmanager
def _guard() -> Iterator[None]:
    try:
        yield
    except (RedisError, RequestTokenErr, TokenRenewalErr) as exc:
        raise Unavailable(f"redis is unavailable ({type(exc).__name__})") from None


def _glob_escape(prefix: str) -> str:
    """A prefix as a literal SCAN pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in prefix)


def _ttl(ttl_seconds: int | None) -> int:
    """Seconds for ``EX``; 0 means no expiry (the script's convention)."""
    if ttl_seconds is None:
        return 0
    if ttl_seconds <= 0:
        raise BadRequest(f"ttl_seconds must be positive, got {ttl_seconds}")
    return ttl_seconds


def _encode(value: Any, version: int | None) -> str:
    body = encode_value(value)
    if version is None:
        return '{"v":' + body + "}"
    return '{"ver":' + str(int(version)) + ',"v":' + body + "}"


def _decode(raw: str | None) -> tuple[Any, int | None] | None:
    """A value this adapter did not write reads as a miss rather than an error."""
    if raw is None:
        return None
    try:
        envelope = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(envelope, dict) or "v" not in envelope:
        return None
    version = envelope.get("ver")
    return envelope["v"], version if isinstance(version, int) else None
