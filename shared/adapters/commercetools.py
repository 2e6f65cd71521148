"""commercetools HTTP API client: OAuth2 client credentials, retries, circuit breaker.

Returns plain JSON (dicts); the catalog maps it to its model. The access token is kept
in the Cache port so every instance of the app shares one token instead of asking the
auth server on each cold start. Transient failures (timeouts, 429, 502-504) are retried
with exponential backoff and jitter, within one deadline per read (``CTP_TIMEOUT_SECONDS``:
each attempt gets what is left of it, and no attempt starts after it); when commercetools
keeps failing the breaker opens and calls fail fast with ``Unavailable`` until it
half-opens again (the catalog then serves products from its cache past their lifetime).
The client secret never appears in an error, a log line or a cache key.
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

from shared.adapters.breaker import circuit_breaker, is_open
from shared.adapters.clock import SystemClock
from shared.errors import NotFound, Unavailable
from shared.ports import Cache, Clock

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
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``timeout`` is the deadline of one read, retries included; ``monotonic`` is
        what measures it (tests hand a clock their transport moves)."""
        self.project_key = project_key
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_url = auth_url.rstrip("/")
        self._api_url = api_url.rstrip("/")
        self._scopes = scopes or f"view_products:{project_key} view_categories:{project_key}"
        self._cache = cache
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self._timeout = timeout
        self._monotonic = monotonic
        self._attempts = attempts
        self._sleep = sleep
        self.breaker = circuit_breaker(
            "commercetools",
            fail_max=breaker_fail_max,
            reset_seconds=breaker_reset_seconds,
            clock=clock or SystemClock(),
            counts=lambda exc: not isinstance(exc, NotFound | _Rejected),
        )
        digest = hashlib.sha256(f"{auth_url}|{client_id}".encode()).hexdigest()[:16]
        self._token_key = f"commercetools:token:{project_key}:{digest}"

    def close(self) -> None:
        self._http.close()

    def check(self) -> str:
        """No I/O: a probe per health check would spend the API's rate limit; an open
        circuit is what says commercetools is failing."""
        if is_open(self.breaker):
            raise Unavailable(
                "commercetools is unavailable (circuit open): products are served from the "
                "cache past their lifetime",
                code="CATALOG_SOURCE_UNAVAILABLE",
            )
        return "commercetools"

    # --- requests --------------------------------------------------------------------
    def get(self, path: str, params: Sequence[tuple[str, str | int]] = ()) -> dict[str, Any]:
        """``GET {api}/{project}/{path}``; ``NotFound`` for 404, ``Unavailable`` else."""
        try:
            # ``calling()``, not ``call()``: ``call`` holds the breaker's lock for the
            # whole read, one read at a time for the whole process.
            with self.breaker.calling():
                return self._get_with_retries(path, params)
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
        until = self._monotonic() + self._timeout

        def stop(state: tenacity.RetryCallState) -> bool:
            return state.attempt_number >= self._attempts or self._monotonic() >= until

        retrying = tenacity.Retrying(
            stop=stop,
            wait=tenacity.wait_exponential_jitter(multiplier=0.1, max=2.0, jitter=0.1),
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._get_once, path, params, until)

    def _get_once(
        self, path: str, params: Sequence[tuple[str, str | int]], until: float
    ) -> dict[str, Any]:
        url = f"{self._api_url}/{self.project_key}/{path.lstrip('/')}"
        response = self._send(url, params, self._token(until), until)
        if response.status_code == 401:
            self._cache.delete(self._token_key)
            response = self._send(url, params, self._token(until), until)
        if response.status_code == 404:
            raise NotFound(f"not found in commercetools: {path}")
        if response.status_code in RETRY_STATUSES:
            raise _Transient(response.status_code)
        if response.status_code >= 400:
            raise _Rejected(response.status_code)
        body: dict[str, Any] = response.json()
        return body

    def _send(
        self, url: str, params: Sequence[tuple[str, str | int]], token: str, until: float
    ) -> httpx.Response:
        left = until - self._monotonic()
        if left <= 0:
            raise _Transient("deadline")
        try:
            return self._http.get(
                url,
                params=list(params),
                headers={"Authorization": f"Bearer {token}"},
                timeout=left,
            )
        except httpx.TransportError as exc:
            raise _Transient(type(exc).__name__) from None

    # --- OAuth2 client credentials ---------------------------------------------------
    def _token(self, until: float) -> str:
        cached = self._cache.get(self._token_key)
        if isinstance(cached, str) and cached:
            return cached
        left = until - self._monotonic()
        if left <= 0:
            raise _Transient("deadline")
        try:
            response = self._http.post(
                f"{self._auth_url}/oauth/token",
                data={"grant_type": "client_credentials", "scope": self._scopes},
                auth=(self._client_id, self._client_secret),
                timeout=left,
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
