"""The context services, assembled from the registry's ports and settings.

Each builder imports its context on first use, so importing the composition root costs
nothing; the registry calls each one once per process. Contexts never see one another:
where one needs another (sourcing needs inventory's nodes and stock, the catalog needs
stock levels and delivery promises), an adapter from ``bridges`` stands between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from shared.errors import ConfigurationError
from shared.ports import Cache, Clock, DocumentStore, EventPublisher

if TYPE_CHECKING:
    from shared.catalog.service import CatalogService
    from shared.catalog.sources.port import CatalogSource
    from shared.checkout.service import CheckoutService
    from shared.confighub.service import ConfigHubService
    from shared.inventory.service import InventoryService
    from shared.payments import PaymentGateway
    from shared.settings import Settings
    from shared.sourcing.service import SourcingService


class Parts(Protocol):
    """What a builder takes from the registry: the settings, the ports, and the services
    of the contexts it bridges to. The registry is one; a builder never needs more."""

    @property
    def settings(self) -> Settings: ...

    def clock(self) -> Clock: ...

    def credential(self) -> Any: ...

    def sql(self) -> Any: ...

    def documents(self) -> DocumentStore: ...

    def cache(self) -> Cache: ...

    def events(self) -> EventPublisher: ...

    def confighub(self) -> ConfigHubService: ...

    def inventory(self) -> InventoryService: ...

    def sourcing(self) -> SourcingService: ...

    def catalog(self) -> CatalogService: ...

    def catalog_source(self) -> CatalogSource: ...

    def payments(self) -> PaymentGateway: ...


def build_confighub(reg: Parts) -> ConfigHubService:
    from shared.confighub.envcache import EnvironmentCache
    from shared.confighub.outbox import OutboxRelay
    from shared.confighub.repository import ConfigStore
    from shared.confighub.repository_outbox import OutboxStore
    from shared.confighub.service import ConfigHubOptions, ConfigHubService

    s = reg.settings
    engine = reg.sql().engine
    clock = reg.clock()
    relay = OutboxRelay(
        OutboxStore(engine),
        reg.events(),
        batch_size=s.confighub_relay_batch_size,
        lease_seconds=s.confighub_relay_lease_seconds,
        clock=clock,
        inline_deadline=s.events_inline_timeout_seconds,
    )
    return ConfigHubService(
        ConfigStore(engine),
        relay,
        EnvironmentCache(reg.cache(), ttl_seconds=s.confighub_cache_ttl_seconds),
        ConfigHubOptions(
            default_label=s.confighub_default_label,
            hub=s.hub_config_updates,
            service_id=s.service_id,
            secret_pattern=s.confighub_secret_pattern,
        ),
        clock,
    )


def build_inventory(reg: Parts) -> InventoryService:
    """Its writes also mark the catalog's copy of their stock stale (read-your-writes
    for the storefront); the marks need only the cache, never the catalog's source."""
    from shared.catalog.stock import StockMarks
    from shared.inventory.repository import ContainerNames, InventoryRepository
    from shared.inventory.service import (
        AvailabilityReader,
        InventoryFeed,
        InventoryService,
        ReservationBook,
        ReservationPolicy,
        Restocks,
        ShipNodes,
        StockChanges,
        SupplyCache,
        SupplyWrites,
    )

    s = reg.settings
    clock = reg.clock()
    cache = reg.cache()
    repo = InventoryRepository(
        reg.documents(),
        ContainerNames(
            inventory=s.cosmos_container_inventory,
            ship_nodes=s.cosmos_container_ship_nodes,
            reservations=s.cosmos_container_reservations,
            audit=s.cosmos_container_inventory_audit,
        ),
        clock,
    )
    supply_cache = SupplyCache(repo, cache, s.inventory_cache_ttl_seconds)
    changes = StockChanges(
        supply_cache,
        StockMarks(cache, s.catalog_availability_ttl_seconds, clock),
    )
    nodes = ShipNodes(
        repo,
        cache,
        changes,
        clock,
        default_enterprise=s.inventory_default_enterprise,
        cache_ttl_seconds=s.inventory_cache_ttl_seconds,
    )
    return InventoryService(
        repo=repo,
        nodes=nodes,
        availability=AvailabilityReader(
            nodes, supply_cache, clock, display_cap=s.inventory_display_cap
        ),
        supply=SupplyWrites(repo, nodes, changes),
        reservations=ReservationBook(
            repo,
            nodes,
            changes,
            clock,
            ReservationPolicy(
                default_ttl=s.inventory_reservation_default_ttl,
                max_ttl=s.inventory_reservation_max_ttl,
                pending_timeout=s.inventory_pending_timeout_seconds,
            ),
        ),
        restocks=Restocks(repo, changes, clock),
        feed=InventoryFeed(
            repo,
            nodes,
            supply_cache,
            reg.events(),
            clock,
            hub=s.hub_inventory_updates,
            service_id=s.service_id,
        ),
        supply_cache=supply_cache,
        changes=changes,
    )


def build_sourcing(reg: Parts) -> SourcingService:
    from shared.bootstrap.bridges import (
        CatalogItems,
        ConfigHubFreeShipping,
        InventoryAvailability,
    )
    from shared.sourcing.capacity import CapacityLedger
    from shared.sourcing.repository import ContainerNames, SourcingRepository
    from shared.sourcing.service import SourcingService

    s = reg.settings
    repo = SourcingRepository(
        reg.documents(),
        ContainerNames(
            carrier_services=s.cosmos_container_carrier_services,
            sourcing_rules=s.cosmos_container_sourcing_rules,
        ),
    )
    return SourcingService(
        repo,
        InventoryAvailability(reg.inventory()),
        reg.events(),
        hub=s.hub_sourcing_updates,
        service_id=s.service_id,
        clock=reg.clock(),
        default_weight_grams=s.sourcing_default_weight_grams,
        items=CatalogItems(reg.catalog),
        free_shipping=ConfigHubFreeShipping(
            reg.confighub, s.sourcing_config_application, s.sourcing_config_profile
        ),
        capacity=CapacityLedger(reg.documents(), s.cosmos_container_node_capacity),
        max_candidates=s.sourcing_max_candidates,
        publish_timeout=s.events_inline_timeout_seconds,
    )


def build_catalog_source(reg: Parts) -> CatalogSource:
    s = reg.settings
    if not s.ctp_project_key:
        from shared.catalog.sources.local import LocalCatalogSource

        return LocalCatalogSource(reg.documents(), s.cosmos_container_products)
    from shared.adapters.commercetools import CommercetoolsClient
    from shared.catalog.sources.commercetools import CommercetoolsSource

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
        cache=reg.cache(),
        timeout=s.ctp_timeout_seconds,
        clock=reg.clock(),
    )
    return CommercetoolsSource(client, locale=s.ctp_locale)


def build_catalog(reg: Parts) -> CatalogService:
    """Inventory and sourcing are handed over as factories: a catalog request that shows
    no stock or promises never builds them, and one that fails to build degrades only
    its own fields."""
    from shared.bootstrap.bridges import InventoryStockLevels, SourcingPromises
    from shared.catalog.cache import CacheTtls
    from shared.catalog.service import CatalogOptions, CatalogService

    s = reg.settings
    return CatalogService(
        reg.catalog_source(),
        reg.cache(),
        reg.events(),
        clock=reg.clock(),
        availability=InventoryStockLevels(reg.inventory),
        delivery=SourcingPromises(reg.sourcing),
        options=CatalogOptions.from_settings(s),
        ttls=CacheTtls.from_settings(s),
    )


def build_checkout(reg: Parts) -> CheckoutService:
    """The catalog, inventory and sourcing are handed over as factories, as to the
    catalog: a cart read that needs no delivery options never builds sourcing."""
    from shared.bootstrap.bridges_checkout import CatalogPrices, InventoryStock, SourcingDelivery
    from shared.checkout.service import (
        Carts,
        CartStore,
        CheckoutOptions,
        CheckoutRepository,
        CheckoutService,
        CheckoutSteps,
        ContainerNames,
        OrderFeed,
        OrderPlacement,
        Orders,
    )

    s = reg.settings
    clock = reg.clock()
    repo = CheckoutRepository(
        reg.documents(),
        ContainerNames(carts=s.cosmos_container_carts, orders=s.cosmos_container_orders),
    )
    options = CheckoutOptions(
        enterprise=s.checkout_enterprise,
        currency=s.checkout_currency,
        cart_ttl=s.checkout_cart_ttl_seconds,
        hold_seconds=s.checkout_hold_seconds,
        hold_max_seconds=s.checkout_hold_max_seconds,
        pending_timeout=s.checkout_pending_timeout_seconds,
        hub=s.hub_order_updates,
        service_id=s.service_id,
    )
    catalog = CatalogPrices(reg.catalog)
    stock = InventoryStock(reg.inventory)
    payments = reg.payments()
    store = CartStore(repo, catalog, stock, clock, options)
    return CheckoutService(
        repo=repo,
        carts=Carts(store, catalog, stock, clock),
        steps=CheckoutSteps(store, SourcingDelivery(reg.sourcing), stock, payments, clock),
        placement=OrderPlacement(store, catalog, stock, payments, clock),
        orders=Orders(repo, stock, payments, clock, pending_timeout=options.pending_timeout),
        feed=OrderFeed(repo, reg.events(), clock, hub=options.hub, service_id=options.service_id),
    )
