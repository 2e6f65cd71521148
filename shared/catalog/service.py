"""The catalog's use cases: answer GraphQL, upsert a product, react to change events.

Every write path refreshes the cache before it acknowledges, so a query right after an
acknowledged update sees the new value. A write never publishes: the products
container's change feed announces it (``feed.py``), and those events bring the other
caches (and other consumers) up to date, with version guards so replays and reordering
change nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.catalog.cache import CacheTtls, CatalogCache, product_key
from shared.catalog.feed import BRANDS_CHANGED, CATEGORIES_CHANGED, PRODUCT_CHANGED, CatalogFeed
from shared.catalog.graphql import execution as gx
from shared.catalog.graphql.listing import ScanLimits
from shared.catalog.graphql.loaders import RequestLoaders, ShoppingContext
from shared.catalog.graphql.messages import GraphQLRequest, GraphQLResult, refused
from shared.catalog.graphql.persisted import PersistedQueries
from shared.catalog.graphql.resolvers_query import RequestContext
from shared.catalog.lookups import AvailabilityLookup, DeliveryLookup
from shared.catalog.model import Product, ProductDraft, Variant
from shared.catalog.sources.port import CatalogSource, WritableCatalogSource
from shared.catalog.stamps import read_stamp
from shared.catalog.stock import StockCache
from shared.errors import Conflict, RuleViolation
from shared.events import EventEnvelope
from shared.ports import Cache, Clock, EventPublisher
from shared.preconditions import IfMatch

if TYPE_CHECKING:
    from shared.settings import Settings

log = logging.getLogger("catalog.service")

__all__ = [
    "BRANDS_CHANGED",
    "CATEGORIES_CHANGED",
    "PRODUCT_CHANGED",
    "CatalogOptions",
    "CatalogService",
]

INVENTORY_CHANGED = "InventoryChanged"
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class CatalogOptions:
    """The catalog's settings. No defaults here: each lives once, in ``Settings``."""

    max_cost: int
    max_depth: int
    default_enterprise: str
    default_currency: str
    persisted_query_ttl: int
    hub_catalog_updates: str
    service_id: str
    scan: ScanLimits

    @classmethod
    def from_settings(cls, settings: Settings) -> CatalogOptions:
        return cls(
            max_cost=settings.catalog_max_cost,
            max_depth=settings.catalog_max_depth,
            default_enterprise=settings.catalog_default_enterprise,
            default_currency=settings.catalog_default_currency,
            persisted_query_ttl=settings.catalog_persisted_query_ttl_seconds,
            hub_catalog_updates=settings.hub_catalog_updates,
            service_id=settings.service_id,
            scan=ScanLimits(),
        )


class CatalogService:
    def __init__(
        self,
        source: CatalogSource,
        cache: Cache,
        events: EventPublisher,
        *,
        clock: Clock,
        options: CatalogOptions,
        ttls: CacheTtls,
        availability: AvailabilityLookup | None = None,
        delivery: DeliveryLookup | None = None,
    ) -> None:
        """``availability`` and ``delivery`` absent: those fields answer unavailable."""
        self.source = source
        self.cache = cache
        self.events = events
        self.clock = clock
        self.availability = availability
        self.delivery = delivery
        self.options = options
        self.catalog = CatalogCache(cache, source, ttls, clock)
        self.stock = StockCache(cache, ttls.availability, clock)
        self.persisted = PersistedQueries(cache, self.options.persisted_query_ttl)
        self.feed = CatalogFeed(
            events, clock, hub=options.hub_catalog_updates, service_id=options.service_id
        )

    # --- GraphQL ---------------------------------------------------------------------
    @staticmethod
    def graphiql_page() -> str:
        return gx.graphiql_page()

    def execute_query(
        self, request: GraphQLRequest, *, queries_only: bool = False
    ) -> GraphQLResult:
        """``queries_only``: the request may not run a mutation (it came by GET)."""
        text = self.persisted.query_text(request)
        if isinstance(text, GraphQLResult):
            return text
        prepared = gx.prepare(text, request.operation_name)
        if isinstance(prepared, GraphQLResult):
            return prepared
        if queries_only and prepared.is_mutation:
            return gx.mutation_refused()
        schema = gx.executable_schema()
        arguments = gx.context_arguments(schema, prepared.operation, request.variables or {})
        shopping = self.shopping_context(arguments)
        if isinstance(shopping, GraphQLResult):
            return shopping
        loaders = RequestLoaders(
            self.catalog, self.stock, shopping, self.availability, self.delivery
        )
        context = RequestContext(source=self.source, loaders=loaders, scan=self.options.scan)
        result = gx.execute(
            schema,
            prepared.document,
            request.model_copy(update={"query": text}),
            context,
            max_cost=self.options.max_cost,
            max_depth=self.options.max_depth,
        )
        return gx.with_stale(result, loaders.stale_products)

    def shopping_context(self, arguments: Mapping[str, Any]) -> ShoppingContext | GraphQLResult:
        """A currency that is not a code would silently null every price; say so."""
        currency = str(arguments.get("currency") or self.options.default_currency).upper()
        if not _CURRENCY.fullmatch(currency):
            return refused(
                "@inContext currency must be an ISO 4217 code such as USD, "
                f"got {arguments.get('currency')!r}",
                "INVALID_ARGUMENT",
            )
        return ShoppingContext(
            enterprise=str(arguments.get("enterprise") or self.options.default_enterprise),
            currency=currency,
            postal_code=arguments.get("postalCode") or None,
        )

    # --- for other contexts ----------------------------------------------------------
    def hazmat_skus(self, skus: Sequence[str]) -> frozenset[str]:
        """The SKUs among ``skus`` whose variant is hazmat: sourcing must not trust a
        storefront's per-line flag alone (see ``CatalogCache.hazmat_skus``)."""
        return self.catalog.hazmat_skus(skus)

    def variants_by_sku(self, skus: Sequence[str]) -> dict[str, tuple[Product, Variant]]:
        """The product and variant of each known SKU among ``skus``: checkout prices a
        cart line from it (see ``CatalogCache.variants_by_sku``)."""
        return self.catalog.variants_by_sku(skus)

    # --- admin writes ----------------------------------------------------------------
    def upsert_product(
        self, product_id: str, draft: ProductDraft, *, if_match: IfMatch | None = None
    ) -> Product:
        source = self.source
        if not isinstance(source, WritableCatalogSource):
            raise RuleViolation(
                "products are managed in commercetools; this source is read-only",
                code="CATALOG_READ_ONLY",
            )
        owner = source.find_product_id(slug=draft.slug)
        if owner is not None and owner != product_id:
            raise Conflict(
                f"slug {draft.slug!r} belongs to product {owner!r}",
                code="SLUG_TAKEN",
                details={"slug": draft.slug, "productId": owner},
            )
        for sku in draft.skus:
            owner = source.find_product_id(sku=sku)
            if owner is not None and owner != product_id:
                raise Conflict(
                    f"SKU {sku!r} belongs to product {owner!r}",
                    code="SKU_TAKEN",
                    details={"sku": sku, "productId": owner},
                )
        product = draft.to_product(product_id, self.clock.now())
        saved = source.upsert_product(product, if_match=if_match)
        self.catalog.put_product(saved, with_lookups=True)
        return saved

    # --- event handlers --------------------------------------------------------------
    def apply_catalog_events(self, events: Sequence[EventEnvelope]) -> int:
        """Refresh what changed; an entry already at the event's version is skipped, so
        replays cost one cache read. Returns how many products were refreshed."""
        newest: dict[str, int] = {}
        taxonomy: set[str] = set()
        for event in events:
            if event.event_type == PRODUCT_CHANGED:
                pid = str(event.payload.get("productId") or event.subject)
                newest[pid] = max(newest.get(pid, 0), event.version)
            elif event.event_type in (CATEGORIES_CHANGED, BRANDS_CHANGED):
                taxonomy.add(event.event_type)
        if CATEGORIES_CHANGED in taxonomy:
            self.catalog.refresh_categories()
        if BRANDS_CHANGED in taxonomy:
            self.catalog.refresh_brands()
        cached = self.cache.get_many([product_key(p) for p in newest])
        stale = [
            pid
            for pid, version in newest.items()
            if int((cached.get(product_key(pid)) or {}).get("version", 0)) < version
        ]
        if not stale:
            return 0
        read_at = read_stamp(self.clock)
        found = self.source.get_products(stale)
        self.catalog.put_products(found, with_lookups=True, read_at=read_at)
        gone = set(stale) - {p.product_id for p in found}
        if gone:
            self.cache.delete_many([product_key(pid) for pid in stale if pid in gone])
        return len(stale)

    def apply_inventory_events(self, events: Sequence[EventEnvelope]) -> int:
        """Refresh the availability entries this cache holds for the changed SKUs; SKUs
        nobody asked about are left alone. Returns how many entries were refreshed."""
        if self.availability is None:
            return 0
        by_enterprise: dict[str, set[str]] = {}
        for event in events:
            if event.event_type != INVENTORY_CHANGED:
                continue
            sku = str(event.payload.get("itemId") or event.subject)
            enterprise = str(event.payload.get("enterpriseCode") or self.options.default_enterprise)
            by_enterprise.setdefault(enterprise, set()).add(sku)
        return sum(
            self.stock.refresh_held(self.availability, enterprise, sorted(skus))
            for enterprise, skus in by_enterprise.items()
        )
