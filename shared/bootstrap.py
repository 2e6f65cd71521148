"""Composition root: the one module that knows every side.

Adapters and services are built lazily, once per process, under a lock; nothing here
runs at import time. Tests swap any piece with ``override`` and start clean with
``reset``. Client libraries are imported inside the builders, which keeps the import
of ``function_app`` fast (cold start is a product metric).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from shared.errors import ConfigurationError, DomainError
from shared.ports import Cache, DocumentStore, EventPublisher, TokenVerifier

if TYPE_CHECKING:
    from shared.catalog.service import CatalogService
    from shared.catalog.source import CatalogSource
    from shared.confighub.service import ConfigHubService
    from shared.inventory.service import InventoryService
    from shared.settings import Settings
    from shared.sourcing.model import NodeSupply
    from shared.sourcing.service import SourcingService

T = TypeVar("T")


class Registry:
    def __init__(self, settings: Settings | None = None) -> None:
        self._explicit_settings = settings
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}

    # --- plumbing ------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        # Imported here: parsing settings is first-use work, not import-time work.
        from shared.settings import get_settings

        return self._explicit_settings or get_settings()

    def _once(self, name: str, factory: Callable[[], T]) -> T:
        built = self._built.get(name)
        if built is not None:
            return cast(T, built)
        with self._lock:
            if name not in self._built:
                self._built[name] = factory()
            return cast(T, self._built[name])

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
                s.sql_url,
                pool_size=s.sql_pool_size,
                token_provider=self.credential() if s.sql_auth == "entra" else None,
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
            )

        return self._once("documents", build)

    def cache(self) -> Cache:
        def build() -> Cache:
            s = self.settings
            if s.redis_url is None and s.redis_host is None:
                from shared.adapters.cache_memory import MemoryCache

                return MemoryCache(max_entries=s.cache_max_entries)
            from shared.adapters.cache_redis import RedisCache

            if s.redis_url is not None:
                return RedisCache.from_url(s.redis_url, prefix=s.redis_key_prefix)
            assert s.redis_host is not None
            return RedisCache.with_entra(
                s.redis_host,
                s.redis_port,
                prefix=s.redis_key_prefix,
                client_id=s.azure_client_id,
            )

        return self._once("cache", build)

    def events(self) -> EventPublisher:
        def build() -> EventPublisher:
            s = self.settings
            if s.eventhub_namespace is None and s.eventhub_connection_string is None:
                from shared.adapters.events_local import LocalBus

                return LocalBus()
            from shared.adapters.events_eventhub import EventHubPublisher

            if s.eventhub_connection_string is not None:
                return EventHubPublisher.from_connection_string(s.eventhub_connection_string)
            assert s.eventhub_namespace is not None
            return EventHubPublisher.from_namespace(s.eventhub_namespace, self.credential())

        return self._once("events", build)

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

    # --- health ----------------------------------------------------------------------
    def health(self) -> dict[str, tuple[bool, str]]:
        """``check -> (ok, adapter name or failure reason)``; never a secret."""
        checks: dict[str, Callable[[], str]] = {
            "sql": lambda: cast(str, self.sql().check()),
            "documents": lambda: self.documents().check(),
            "cache": lambda: self.cache().check(),
            "events": lambda: self.events().check(),
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

    # --- context services (each context adds its builder below) ----------------------
    def confighub(self) -> ConfigHubService:
        def build() -> ConfigHubService:
            from shared.confighub.envcache import EnvironmentCache
            from shared.confighub.outbox import OutboxRelay
            from shared.confighub.repository import ConfigStore
            from shared.confighub.repository_outbox import OutboxStore
            from shared.confighub.service import ConfigHubOptions, ConfigHubService

            s = self.settings
            engine = self.sql().engine
            relay = OutboxRelay(
                OutboxStore(engine),
                self.events(),
                batch_size=s.confighub_relay_batch_size,
                lease_seconds=s.confighub_relay_lease_seconds,
            )
            return ConfigHubService(
                ConfigStore(engine),
                relay,
                EnvironmentCache(self.cache(), ttl_seconds=s.confighub_cache_ttl_seconds),
                ConfigHubOptions(
                    default_label=s.confighub_default_label,
                    hub=s.hub_config_updates,
                    service_id=s.service_id,
                    secret_pattern=s.confighub_secret_pattern,
                ),
            )

        return self._once("confighub", build)

    def inventory(self) -> InventoryService:
        def build() -> InventoryService:
            from shared.inventory.repository import ContainerNames, InventoryRepository
            from shared.inventory.service import InventoryConfig, InventoryService

            s = self.settings
            repo = InventoryRepository(
                self.documents(),
                ContainerNames(
                    inventory=s.cosmos_container_inventory,
                    ship_nodes=s.cosmos_container_ship_nodes,
                    reservations=s.cosmos_container_reservations,
                    audit=s.cosmos_container_inventory_audit,
                ),
            )
            return InventoryService(
                repo,
                self.cache(),
                InventoryConfig(
                    default_enterprise=s.inventory_default_enterprise,
                    display_cap=s.inventory_display_cap,
                    cache_ttl_seconds=s.inventory_cache_ttl_seconds,
                    reservation_default_ttl=s.inventory_reservation_default_ttl,
                    reservation_max_ttl=s.inventory_reservation_max_ttl,
                    pending_timeout_seconds=s.inventory_pending_timeout_seconds,
                    hub=s.hub_inventory_updates,
                    service_id=s.service_id,
                ),
                self.events(),
            )

        return self._once("inventory", build)

    def sourcing(self) -> SourcingService:
        def build() -> SourcingService:
            from shared.sourcing.repository import ContainerNames, SourcingRepository
            from shared.sourcing.service import SourcingService

            s = self.settings
            repo = SourcingRepository(
                self.documents(),
                ContainerNames(
                    carrier_services=s.cosmos_container_carrier_services,
                    sourcing_rules=s.cosmos_container_sourcing_rules,
                ),
            )
            return SourcingService(
                repo,
                _InventoryAvailability(self.inventory()),
                self.events(),
                hub=s.hub_sourcing_updates,
                service_id=s.service_id,
            )

        return self._once("sourcing", build)

    def catalog_source(self) -> CatalogSource:
        """commercetools when CTP_PROJECT_KEY is set, else the local catalog."""

        def build() -> CatalogSource:
            s = self.settings
            if not s.ctp_project_key:
                from shared.catalog.local_source import LocalCatalogSource

                return LocalCatalogSource(self.documents(), s.cosmos_container_products)
            from shared.adapters.commercetools import CommercetoolsClient
            from shared.catalog.commercetools_source import CommercetoolsSource

            if not s.ctp_client_id or s.ctp_client_secret is None:
                raise ConfigurationError(
                    "CTP_CLIENT_ID and CTP_CLIENT_SECRET are required with CTP_PROJECT_KEY"
                )
            client = CommercetoolsClient(
                project_key=s.ctp_project_key,
                client_id=s.ctp_client_id,
                client_secret=s.ctp_client_secret.get_secret_value(),
                auth_url=s.ctp_auth_url,
                api_url=s.ctp_api_url,
                scopes=s.ctp_scopes,
                cache=self.cache(),
                timeout=s.ctp_timeout_seconds,
            )
            return CommercetoolsSource(client, locale=s.ctp_locale)

        return self._once("catalog_source", build)

    def catalog(self) -> CatalogService:
        def build() -> CatalogService:
            from shared.catalog.cache import CacheTtls
            from shared.catalog.service import CatalogOptions, CatalogService
            from shared.catalog_bridges import InventoryStockLevels, SourcingPromises

            s = self.settings
            return CatalogService(
                self.catalog_source(),
                self.cache(),
                self.events(),
                availability=InventoryStockLevels(self.inventory),
                delivery=SourcingPromises(self.sourcing),
                options=CatalogOptions(
                    max_cost=s.catalog_max_cost,
                    max_depth=s.catalog_max_depth,
                    default_enterprise=s.catalog_default_enterprise,
                    default_currency=s.catalog_default_currency,
                    persisted_query_ttl=s.catalog_persisted_query_ttl_seconds,
                    hub_catalog_updates=s.hub_catalog_updates,
                    service_id=s.service_id,
                ),
                ttls=CacheTtls(
                    products=s.catalog_cache_ttl_seconds,
                    taxonomy=s.catalog_cache_ttl_seconds,
                    lookups=s.catalog_cache_ttl_seconds,
                    availability=s.catalog_availability_ttl_seconds,
                ),
            )

        return self._once("catalog", build)


class _InventoryAvailability:
    """Sourcing's ``AvailabilitySource`` over the inventory service: every node of the
    enterprise, with its live (uncapped) availability of the cart's items."""

    INFINITE = 1_000_000_000

    def __init__(self, inventory: InventoryService) -> None:
        self.inventory = inventory

    def candidates(self, enterprise_code: str, item_ids: Sequence[str]) -> list[NodeSupply]:
        from datetime import date

        from shared.sourcing.calendars import WEEKDAYS, NodeSchedule, WorkCalendar
        from shared.sourcing.model import NodeSupply

        found = self.inventory.get_availability_many(item_ids, enterprise_code)
        stock: dict[str, dict[str, float]] = {}
        for item_id, availability in found.items():
            for n in availability.nodes:
                units = self.INFINITE if n.infinite else n.available
                stock.setdefault(n.ship_node, {})[item_id] = units
        supplies = []
        for node in self.inventory.list_ship_nodes(enterprise_code):
            calendar = node.processing_calendar
            supplies.append(
                NodeSupply(
                    node_id=node.ship_node,
                    node_type=str(node.node_type),
                    active=node.active,
                    latitude=node.location.latitude,
                    longitude=node.location.longitude,
                    postal_code=node.location.postal_code,
                    schedule=NodeSchedule(
                        time_zone=node.time_zone,
                        cutoff=node.cutoff_time,
                        processing_calendar=WorkCalendar(
                            weekdays=tuple(WEEKDAYS[d - 1] for d in sorted(calendar.working_days)),
                            closed_dates=frozenset(
                                date.fromisoformat(d) for d in calendar.holidays
                            ),
                        ),
                    ),
                    capabilities=tuple(str(c) for c in node.capabilities),
                    available=stock.get(node.ship_node, {}),
                )
            )
        return supplies


_registry_lock = threading.Lock()
_registry: Registry | None = None


def registry() -> Registry:
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = Registry()
    return _registry


def reset() -> None:
    """Close every built piece and start a fresh registry (tests, devhost reloads)."""
    global _registry
    with _registry_lock:
        if _registry is not None:
            _registry.close()
        _registry = None


@contextmanager
def use_registry(reg: Registry) -> Iterator[Registry]:
    """Install ``reg`` as the process registry for the duration of a block (tests)."""
    global _registry
    with _registry_lock:
        previous, _registry = _registry, reg
    try:
        yield reg
    finally:
        with _registry_lock:
            _registry = previous
        reg.close()
