"""The registry: every port and context service, built lazily, once per process.

Pieces are built on first use under a lock; nothing here runs at import time. Tests
swap any piece with ``override``. Client libraries and contexts are imported inside the
builders (the context services are assembled in ``services``), which keeps the import of
``function_app`` fast (cold start is a product metric).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from shared.bootstrap import services
from shared.errors import ConfigurationError, DomainError, Unavailable
from shared.ports import Cache, Clock, DocumentStore, EventPublisher, TokenVerifier

if TYPE_CHECKING:
    from shared.catalog.service import CatalogService
    from shared.catalog.sources.port import CatalogSource
    from shared.checkout.service import CheckoutService
    from shared.confighub.service import ConfigHubService
    from shared.inventory.service import InventoryService
    from shared.payments import PaymentGateway
    from shared.settings import Settings
    from shared.sourcing.service import SourcingService

T = TypeVar("T")


class Registry:
    def __init__(self, settings: Settings | None = None) -> None:
        self._explicit_settings = settings
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}
        self._building: dict[str, threading.Lock] = {}

    # --- plumbing ------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        # Imported here: parsing settings is first-use work, not import-time work.
        from shared.settings import get_settings

        return self._explicit_settings or get_settings()

    def _once(self, name: str, factory: Callable[[], T]) -> T:
        """Build ``name`` once. Each piece has its own lock: a build that waits on a
        server (the SQL migration) holds back only the callers of that piece."""
        built = self._built.get(name)
        if built is not None:
            return cast(T, built)
        with self._lock:
            building = self._building.setdefault(name, threading.Lock())
        with building:
            built = self._built.get(name)
            if built is None:
                built = factory()
                with self._lock:
                    self._built[name] = built
            return cast(T, built)

    def override(self, **pieces: Any) -> None:
        """Replace built pieces by name (``documents=...``, ``cache=...``)."""
        with self._lock:
            self._built.update(pieces)

    def close(self) -> None:
        with self._lock:
            for piece in self._built.values():
                closer = getattr(piece, "close", None) or getattr(piece, "dispose", None)
                if callable(closer):
                    closer()
            self._built.clear()

    # --- ports -----------------------------------------------------------------------
    def clock(self) -> Clock:
        """The system clock; tests override it with a ``ManualClock``."""

        def build() -> Clock:
            from shared.adapters.clock import SystemClock

            return SystemClock()

        return self._once("clock", build)

    def credential(self) -> Any:
        def build() -> Any:
            from azure.identity import DefaultAzureCredential

            return DefaultAzureCredential(managed_identity_client_id=self.settings.azure_client_id)

        return self._once("credential", build)

    def sql(self) -> Any:
        """The SQL database (``shared.adapters.sql.SqlDatabase``), migrated to head."""

        def build() -> Any:
            from shared.adapters.sql import SqlDatabase

            s = self.settings
            db = SqlDatabase(
                s.sql_database_url,
                pool_size=s.sql_pool_size,
                token_provider=self.credential() if s.sql_auth == "entra" else None,
                connect_timeout=s.sql_connect_timeout_seconds,
                read_timeout=s.sql_read_timeout_seconds,
            )
            db.migrate()
            return db

        return self._once("sql", build)

    def documents(self) -> DocumentStore:
        def build() -> DocumentStore:
            s = self.settings
            if s.cosmos_endpoint is None:
                from shared.adapters.documents_embedded import EmbeddedDocumentStore

                return EmbeddedDocumentStore(s.documents_file)
            from shared.adapters.documents_cosmos import CosmosDocumentStore

            return CosmosDocumentStore(
                s.cosmos_endpoint,
                credential=s.cosmos_key or self.credential(),
                database=s.cosmos_database,
                verify_tls=s.cosmos_verify_tls,
                create_containers=s.cosmos_create_containers,
                timeout_seconds=s.cosmos_timeout_seconds,
            )

        return self._once("documents", build)

    def cache(self) -> Cache:
        """The in-process cache, or Redis behind a breaker that bypasses it when it fails
        (``shared/adapters/cache_bypass.py``): the cache is an accelerator, never a
        dependency a request can fail on."""

        def build() -> Cache:
            s = self.settings
            if s.redis_url is None and s.redis_host is None:
                from shared.adapters.cache_memory import MemoryCache

                return MemoryCache(max_entries=s.cache_max_entries)
            from shared.adapters.breaker import circuit_breaker
            from shared.adapters.cache_bypass import BypassingCache
            from shared.adapters.cache_redis import RedisCache

            if s.redis_url is not None:
                redis_cache = RedisCache.from_url(
                    s.redis_url, prefix=s.redis_key_prefix, timeout=s.redis_timeout_seconds
                )
            else:
                assert s.redis_host is not None
                redis_cache = RedisCache.with_entra(
                    s.redis_host,
                    s.redis_port,
                    prefix=s.redis_key_prefix,
                    client_id=s.azure_client_id,
                    timeout=s.redis_timeout_seconds,
                )
            breaker = circuit_breaker(
                "redis",
                fail_max=s.cache_breaker_failures,
                reset_seconds=s.cache_breaker_reset_seconds,
                clock=self.clock(),
                counts=lambda exc: isinstance(exc, Unavailable),
            )
            return BypassingCache(
                redis_cache,
                breaker,
                clock=self.clock(),
                max_write_around=s.cache_write_around_max_keys,
            )

        return self._once("cache", build)

    def events(self) -> EventPublisher:
        """The local bus, or Event Hubs with a deadline per publish and a breaker per
        hub; its health check probes the app's hubs."""

        def build() -> EventPublisher:
            s = self.settings
            if s.eventhub_namespace is None and s.eventhub_connection_string is None:
                from shared.adapters.events_local import LocalBus

                return LocalBus()
            from shared.adapters.events_eventhub import EventHubPublisher

            options = self.eventhub_options()
            if s.eventhub_connection_string is not None:
                return EventHubPublisher.from_connection_string(
                    s.eventhub_connection_string, **options
                )
            assert s.eventhub_namespace is not None
            return EventHubPublisher.from_namespace(
                s.eventhub_namespace, self.credential(), **options
            )

        return self._once("events", build)

    def eventhub_options(self) -> dict[str, Any]:
        """How the Event Hubs publisher is built around its client factory: deadlines,
        a breaker per hub on the platform clock, the hubs its health check probes.
        (Tests build one around the recording fake with these very options.)"""
        from shared.adapters.breaker import circuit_breaker

        s = self.settings

        def breaker(hub: str) -> Any:
            return circuit_breaker(
                f"eventhub {hub}",
                fail_max=s.eventhub_breaker_failures,
                reset_seconds=s.eventhub_breaker_reset_seconds,
                clock=self.clock(),
                counts=lambda exc: isinstance(exc, Unavailable),
            )

        return {
            "send_timeout": s.eventhub_send_timeout_seconds,
            "probe_timeout": s.events_inline_timeout_seconds,
            "breakers": breaker,
            "clock": self.clock(),
            "probe_hubs": [
                s.hub_config_updates,
                s.hub_inventory_updates,
                s.hub_catalog_updates,
                s.hub_sourcing_updates,
            ],
        }

    def tokens(self) -> TokenVerifier:
        def build() -> TokenVerifier:
            s = self.settings
            if s.auth_mode == "entra":
                from shared.adapters.tokens import EntraTokenVerifier

                if not s.auth_tenant_id or not s.auth_audience:
                    raise ConfigurationError(
                        "AUTH_TENANT_ID and AUTH_AUDIENCE are required when AUTH_MODE=entra"
                    )
                return EntraTokenVerifier(s.auth_tenant_id, s.auth_audience)
            from shared.adapters.tokens import LocalTokenVerifier, local_signing_key

            return LocalTokenVerifier(local_signing_key(s.auth_local_signing_key, s.local_data_dir))

        return self._once("tokens", build)

    def payments(self) -> PaymentGateway:
        """The sandbox gateway: a production adapter is not part of this code base."""

        def build() -> PaymentGateway:
            from shared.adapters.payments_sandbox import SandboxGateway

            return SandboxGateway(self.clock())

        return self._once("payments", build)

    # --- health ----------------------------------------------------------------------
    def health(self) -> dict[str, tuple[bool, str]]:
        """``check -> (ok, adapter name or failure reason)``; never a secret. What each
        failure means for the instance is ``health.health_status``'s."""
        checks: dict[str, Callable[[], str]] = {
            "sql": lambda: cast(str, self.sql().check()),
            "documents": lambda: self.documents().check(),
            "cache": lambda: self.cache().check(),
            "events": lambda: self.events().check(),
            "catalog": lambda: self.catalog_source().check(),
        }
        report: dict[str, tuple[bool, str]] = {}
        for name, probe in checks.items():
            try:
                report[name] = (True, probe())
            except DomainError as exc:
                report[name] = (False, exc.message)
            except Exception as exc:  # noqa: BLE001 - a probe must never take health down
                report[name] = (False, type(exc).__name__)
        return report

    # --- context services (each context adds its builder to ``services``) -----------
    def confighub(self) -> ConfigHubService:
        return self._once("confighub", lambda: services.build_confighub(self))

    def inventory(self) -> InventoryService:
        return self._once("inventory", lambda: services.build_inventory(self))

    def sourcing(self) -> SourcingService:
        return self._once("sourcing", lambda: services.build_sourcing(self))

    def catalog_source(self) -> CatalogSource:
        """commercetools when CTP_PROJECT_KEY is set, else the local catalog."""
        return self._once("catalog_source", lambda: services.build_catalog_source(self))

    def catalog(self) -> CatalogService:
        return self._once("catalog", lambda: services.build_catalog(self))

    def checkout(self) -> CheckoutService:
        return self._once("checkout", lambda: services.build_checkout(self))
