"""commercetools HTTP API client: OAuth2 client credentials, retries, circuit breaker.

Returns plain JSON (dicts); the catalog maps it to its model. The access token is kept
in the Cache port so every instance of the app shares one token instead of asking the
auth server on each cold start. Transient failures (timeouts, 429, 502-504) are retried
with exponential backoff and jitter; when commercetools keeps failing the breaker opens
and calls fail fast with ``Unavailable`` until it half-opens again. The client secret
never appears in an error, a log line or a cache key.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pybreaker
import tenacity

from shared.errors import NotFound, Unavailable
from shared.ports import Cache

log = logging.getLogger("adapters.commercetools")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
TOKEN_MARGIN_SECONDS = 60


class _Transient(Exception):
    """A failure worth retrying; carries no response text."""


class _Rejected(Exception):
    """A 4xx other than 404: our request is wrong, retrying will not help."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class CommercetoolsClient:
    def __init__(
        self,
        *,
        project_key: str,
        client_id: str,
        client_secret: str,
        auth_url: str,
        api_url: str,
        cache: Cache,
        scopes: str = "",
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        breaker_fail_max: int = 5,
        breaker_reset_seconds: float = 30.0,
    ) -> None:
        self.project_key = project_key
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_url = auth_url.rstrip("/")
        self._api_url = api_url.rstrip("/")
        self._scopes = scopes or f"view_products:{project_key} view_categories:{project_key}"
        self._cache = cache
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self._attempts = attempts
        self._sleep = sleep
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=breaker_fail_max,
            reset_timeout=breaker_reset_seconds,
            exclude=[NotFound, _Rejected],
            name="commercetools",
        )
        digest = hashlib.sha256(f"{auth_url}|{client_id}".encode()).hexdigest()[:16]
        self._token_key = f"commercetools:token:{project_key}:{digest}"

    def close(self) -> None:
        self._http.close()

    def check(self) -> str:
        return "commercetools"

    # --- requests --------------------------------------------------------------------
    def get(self, path: str, params: Sequence[tuple[str, str | int]] = ()) -> dict[str, Any]:
        """``GET {api}/{project}/{path}``; ``NotFound`` for 404, ``Unavailable`` else."""
        try:
            result: dict[str, Any] = self.breaker.call(self._get_with_retries, path, params)
            return result
        except pybreaker.CircuitBreakerError:
            raise Unavailable(
                "the catalog source is unavailable (circuit open)",
                code="CATALOG_SOURCE_UNAVAILABLE",
            ) from None
        except _Rejected as exc:
            raise Unavailable(
                f"the catalog source rejected a request ({exc.status})",
                code="CATALOG_SOURCE_ERROR",
            ) from None
        except (_Transient, tenacity.RetryError):
            raise Unavailable(
                "the catalog source is unavailable", code="CATALOG_SOURCE_UNAVAILABLE"
            ) from None

    def _get_with_retries(
        self, path: str, params: Sequence[tuple[str, str | int]]
    ) -> dict[str, Any]:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=tenacity.wait_exponential_jitter(multiplier=0.1, max=2.0, jitter=0.1),
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._get_once, path, params)

    def _get_once(self, path: str, params: Sequence[tuple[str, str | int]]) -> dict[str, Any]:
        url = f"{self._api_url}/{self.project_key}/{path.lstrip('/')}"
        response = self._send(url, params, self._token())
        if response.status_code == 401:
            self._cache.delete(self._token_key)
            response = self._send(url, params, self._token())
        if response.status_code == 404:
            raise NotFound(f"not found in commercetools: {path}")
        if response.status_code in RETRY_STATUSES:
            raise _Transient(response.status_code)
        if response.status_code >= 400:
            raise _Rejected(response.status_code)
        body: dict[str, Any] = response.json()
        return body

    def _send(
        self, url: str, params: Sequence[tuple[str, str | int]], token: str
    ) -> httpx.Response:
        try:
            return self._http.get(
                url, params=list(params), headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.TransportError as exc:
            raise _Transient(type(exc).__name__) from None

    # --- OAuth2 client credentials ---------------------------------------------------
    def _token(self) -> str:
        cached = self._cache.get(self._token_key)
        if isinstance(cached, str) and cached:
            return cached
        try:
            response = self._http.post(
                f"{self._auth_url}/oauth/token",
                data={"grant_type": "client_credentials", "scope": self._scopes},
                auth=(self._client_id, self._client_secret),
            )
        except httpx.TransportError as exc:
            raise _Transient(type(exc).__name__) from None
        if response.status_code in RETRY_STATUSES or response.status_code >= 500:
            raise _Transient(response.status_code)
        if response.status_code != 200:
            log.error("commercetools token request refused (%d)", response.status_code)
            raise _Rejected(response.status_code)
        grant = response.json()
        token = str(grant["access_token"])
        ttl = max(int(grant.get("expires_in", 0)) - TOKEN_MARGIN_SECONDS, 1)
        self._cache.set(self._token_key, token, ttl)
        return token
