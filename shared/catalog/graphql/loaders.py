"""Per-request loaders: each backend is asked once per batch of keys, not once per field.

GraphQL resolves a list item by item, so a loader that waited for the current field
alone would call inventory once per variant. Instead every product a request
materialises registers its SKUs here; the first ``availability`` field then loads the
whole page's SKUs in one call, and the first ``deliveryOptions`` field with given
arguments loads every registered SKU for those arguments in one call. A failed batch
is remembered, so the page's other fields fail fast instead of retrying one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared.catalog.cache import CatalogCache
from shared.catalog.lookups import (
    AvailabilityLookup,
    DeliveryLookup,
    DeliveryPromise,
    DeliveryQuery,
    StockLevel,
)
from shared.catalog.model import Brand, Category, Product, Variant
from shared.catalog.stock import StockCache
from shared.errors import DomainError, Unavailable

log = logging.getLogger("catalog.loaders")


@dataclass(frozen=True)
class ShoppingContext:
    """The ``@inContext`` arguments, resolved once per query."""

    enterprise: str
    currency: str
    postal_code: str | None


@dataclass
class Taxonomy:
    categories: dict[str, Category]
    children: dict[str | None, list[Category]]
    brands: dict[str, Brand]
    brand_by_slug: dict[str, Brand] = field(default_factory=dict)
    category_by_slug: dict[str, Category] = field(default_factory=dict)

    @classmethod
    def build(cls, categories: Iterable[Category], brands: Iterable[Brand]) -> Taxonomy:
        by_id = {c.category_id: c for c in categories}
        children: dict[str | None, list[Category]] = {}
        for c in sorted(by_id.values(), key=lambda c: (c.sort_order, c.name)):
            children.setdefault(c.parent_id, []).append(c)
        brand_map = {b.brand_id: b for b in brands}
        return cls(
            categories=by_id,
            children=children,
            brands=brand_map,
            brand_by_slug={b.slug: b for b in brand_map.values()},
            category_by_slug={c.slug: c for c in by_id.values()},
        )

    def ancestors(self, category: Category) -> list[Category]:
        """From the department down to the parent; a cycle in bad data stops the walk."""
        chain: list[Category] = []
        current = self.categories.get(category.parent_id or "")
        while current is not None and current not in chain:
            chain.append(current)
            current = self.categories.get(current.parent_id or "")
        return list(reversed(chain))


class RequestLoaders:
    def __init__(
        self,
        catalog: CatalogCache,
        stock: StockCache,
        shopping: ShoppingContext,
        availability: AvailabilityLookup | None,
        delivery: DeliveryLookup | None,
    ) -> None:
        self.catalog = catalog
        self.stock_cache = stock
        self.shopping = shopping
        self._availability = availability
        self._delivery = delivery
        self._products: dict[str, Product | None] = {}
        self._variants: dict[str, Variant] = {}
        self._products_failed: dict[str, Unavailable] = {}
        self.stale_products: set[str] = set()
        """Products this request served past their freshness (the source failed)."""
        self._stock: dict[str, StockLevel | None] = {}
        self._stock_failed: dict[str, DomainError] = {}
        self._promises: dict[DeliveryQuery, Sequence[DeliveryPromise]] = {}
        self._promises_failed: dict[DeliveryQuery, DomainError] = {}
        self._taxonomy: Taxonomy | None = None

    # --- products --------------------------------------------------------------------
    def products(self, product_ids: Sequence[str]) -> list[Product | None]:
        """``None`` for a product that does not exist; ``Unavailable`` when one could be
        answered neither by the source nor by the cache's stale copy."""
        missing = [
            p
            for p in dict.fromkeys(product_ids)
            if p not in self._products and p not in self._products_failed
        ]
        if missing:
            read = self.catalog.read_products(missing)
            for pid in missing:
                if pid in read.failed and read.error is not None:
                    self._products_failed[pid] = read.error
                else:
                    self._products[pid] = read.found.get(pid)
            self.stale_products |= read.stale
            self.register(read.found.values())
        for pid in product_ids:
            if pid in self._products_failed:
                raise self._products_failed[pid]
        return [self._products[p] for p in product_ids]

    def register(self, products: Iterable[Product]) -> None:
        for product in products:
            self._products.setdefault(product.product_id, product)
            for variant in product.variants:
                self._variants.setdefault(variant.sku, variant)

    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = Taxonomy.build(self.catalog.categories(), self.catalog.brands())
        return self._taxonomy

    # --- availability ----------------------------------------------------------------
    def stock(self, sku: str) -> StockLevel | None:
        if sku in self._stock:
            return self._stock[sku]
        if sku in self._stock_failed:
            raise self._stock_failed[sku]
        if self._availability is None:
            raise Unavailable("availability is not configured", code="AVAILABILITY_UNAVAILABLE")
        batch = [s for s in self._variants if s not in self._stock and s not in self._stock_failed]
        if sku not in batch:
            batch.append(sku)
        try:
            levels = self.stock_cache.levels(self._availability, self.shopping.enterprise, batch)
        except Exception as exc:  # noqa: BLE001 - one failed backend degrades one field
            error = _degraded(exc, "availability is", "AVAILABILITY_UNAVAILABLE")
            self._stock_failed.update(dict.fromkeys(batch, error))
            raise error from None
        self._stock.update({s: levels.get(s) for s in batch})
        return self._stock[sku]

    def stock_many(self, skus: Sequence[str]) -> dict[str, StockLevel | None]:
        """For the in-stock filter: one call for whatever is not loaded yet."""
        if self._availability is None:
            raise Unavailable("availability is not configured", code="AVAILABILITY_UNAVAILABLE")
        missing = [s for s in dict.fromkeys(skus) if s not in self._stock]
        if missing:
            levels = self.stock_cache.levels(self._availability, self.shopping.enterprise, missing)
            self._stock.update({s: levels.get(s) for s in missing})
        return {s: self._stock[s] for s in skus}

    # --- delivery --------------------------------------------------------------------
    def _query(self, variant: Variant, postal_code: str, quantity: int) -> DeliveryQuery:
        """The variant's own facts travel with the query: sourcing takes the catalog's
        hazmat flag and weight as given here, and prices the option for its price."""
        currency = self.shopping.currency
        price = variant.price(currency)
        return DeliveryQuery(
            variant.sku,
            postal_code,
            quantity,
            variant.hazmat,
            variant.shipping_weight_grams,
            price.amount if price else None,
            currency,
        )

    def promises(
        self, variant: Variant, postal_code: str, quantity: int
    ) -> Sequence[DeliveryPromise]:
        """A variant this request did not register still carries its own facts."""
        self._variants.setdefault(variant.sku, variant)
        key = self._query(self._variants[variant.sku], postal_code, quantity)
        if key in self._promises:
            return self._promises[key]
        if key in self._promises_failed:
            raise self._promises_failed[key]
        if self._delivery is None:
            raise Unavailable("delivery promises are not configured", code="DELIVERY_UNAVAILABLE")
        batch = [
            q
            for v in self._variants.values()
            if (q := self._query(v, postal_code, quantity)) not in self._promises
            and q not in self._promises_failed
        ]
        if key not in batch:
            batch.append(key)
        try:
            answers = self._delivery.get_delivery_promises(self.shopping.enterprise, batch)
        except Exception as exc:  # noqa: BLE001 - one failed backend degrades one field
            error = _degraded(exc, "delivery options are", "DELIVERY_UNAVAILABLE")
            self._promises_failed.update(dict.fromkeys(batch, error))
            raise error from None
        for q in batch:
            self._promises[q] = tuple(answers.get(q, ()))
        return self._promises[key]


def _degraded(exc: Exception, what: str, code: str) -> DomainError:
    """Domain errors keep their code and safe message; anything else is masked."""
    if isinstance(exc, DomainError) and not isinstance(exc, Unavailable):
        return exc
    log.warning("%s lookup failed: %s", what, type(exc).__name__, exc_info=exc)
    return Unavailable(f"{what} temporarily unavailable", code=code)
