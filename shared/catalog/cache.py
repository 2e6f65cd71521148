"""Read-through cache of products, categories and brands, with a version in each entry.

Products are guarded by their own version: a reader that fetched version 4 can never
overwrite the version 5 an admin write or an event refresh put there. A product entry
says until when it is fresh (``freshUntil``, the products TTL after it was written) and
is kept ``CATALOG_STALE_IF_ERROR_SECONDS`` longer: past its freshness it is read again
from the source like a miss, and only when the source fails is it served anyway
(stale-if-error), which the read reports so the GraphQL answer can say so. Lists (categories,
brands) and lookups have no single version, so their entries carry the instant the
backend read began (``stamps.py``): a read that started earlier always loses to one that
started later. Availability has its own module (``stock.py``) with the same stamps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.catalog.model import Brand, Category, Product, Variant
from shared.catalog.sources.port import CatalogSource
from shared.catalog.stamps import read_stamp
from shared.errors import Unavailable
from shared.ports import Cache, Clock

if TYPE_CHECKING:
    from shared.settings import Settings

PREFIX = "catalog:"


def product_key(product_id: str) -> str:
    return f"{PREFIX}product:{product_id}"


def slug_key(slug: str) -> str:
    return f"{PREFIX}slug:{slug}"


def sku_key(sku: str) -> str:
    return f"{PREFIX}sku:{sku}"


CATEGORIES_KEY = f"{PREFIX}categories"
BRANDS_KEY = f"{PREFIX}brands"


MISS_TTL_SECONDS = 60
"""A slug or SKU the source does not know: long enough to absorb a crawler walking dead
links, short enough for products created in commercetools (whose changes reach this app
only through events) to show up soon."""


@dataclass(frozen=True)
class CacheTtls:
    """Lifetimes of the catalog's entries, in seconds. No defaults here: each lives once,
    in ``Settings`` (or, for misses, above)."""

    products: int
    taxonomy: int
    lookups: int
    misses: int
    availability: int
    stale_if_error: int
    """How long past its freshness a product may still be served when the source fails."""

    @classmethod
    def from_settings(cls, settings: Settings) -> CacheTtls:
        return cls(
            products=settings.catalog_cache_ttl_seconds,
            taxonomy=settings.catalog_cache_ttl_seconds,
            lookups=settings.catalog_cache_ttl_seconds,
            misses=MISS_TTL_SECONDS,
            availability=settings.catalog_availability_ttl_seconds,
            stale_if_error=settings.catalog_stale_if_error_seconds,
        )


FRESH_UNTIL = "freshUntil"
"""The entry's own field beside the product's (a reader that does not know it ignores it)."""


@dataclass(frozen=True)
class ProductRead:
    """Products by id: ``stale`` ones were served past their freshness because the source
    failed (``error``); ``failed`` ones neither the cache nor the source could answer."""

    found: Mapping[str, Product]
    stale: frozenset[str] = frozenset()
    failed: frozenset[str] = frozenset()
    error: Unavailable | None = None


class CatalogCache:
    def __init__(self, cache: Cache, source: CatalogSource, ttls: CacheTtls, clock: Clock) -> None:
        self.cache = cache
        self.source = source
        self.ttls = ttls
        self.clock = clock

    # --- products --------------------------------------------------------------------
    def get_products(self, product_ids: Sequence[str]) -> dict[str, Product]:
        """``read_products`` for callers that need every product or an error."""
        read = self.read_products(product_ids)
        if read.error is not None and read.failed:
            raise read.error
        return dict(read.found)

    def read_products(self, product_ids: Sequence[str]) -> ProductRead:
        """One cache round trip; one source call for whatever was missing or past its
        freshness. When the source fails, what the cache still holds within the
        stale-if-error window is served and reported."""
        wanted = list(dict.fromkeys(product_ids))
        if not wanted:
            return ProductRead({})
        hits = self.cache.get_many([product_key(p) for p in wanted])
        now = self.clock.time()
        found: dict[str, Product] = {}
        stale: dict[str, Product] = {}
        for pid in wanted:
            entry = hits.get(product_key(pid))
            if isinstance(entry, dict):
                until = _fresh_until(entry)
                if now < until:
                    found[pid] = Product.model_validate(entry)
                elif now < until + self.ttls.stale_if_error:
                    stale[pid] = Product.model_validate(entry)
        missing = [p for p in wanted if p not in found]
        if not missing:
            return ProductRead(found)
        try:
            fetched = self.source.get_products(missing)
        except Unavailable as exc:
            served = {p: stale[p] for p in missing if p in stale}
            return ProductRead(
                found | served,
                stale=frozenset(served),
                failed=frozenset(p for p in missing if p not in served),
                error=exc,
            )
        same = [
            p.product_id
            for p in fetched
            if p.product_id in stale and stale[p.product_id].version == p.version
        ]
        if same:
            # The guard lets an equal version lose; a stale entry is replaced at its own
            # version by clearing it first (an older writer in between still loses).
            self.cache.delete_many([product_key(pid) for pid in same])
        self.put_products(fetched)
        found.update((product.product_id, product) for product in fetched)
        return ProductRead(found)

    def put_products(
        self, products: Sequence[Product], *, with_lookups: bool = False, read_at: int = 0
    ) -> set[str]:
        """Version-guarded writes of products, one cache round trip for all of them (a
        cold page of 50 is one write); the ids written. Reads leave slug and SKU lookups
        to ``find_product_id``, so a cold page writes nothing else; ``with_lookups`` (the
        write path, the change events) also points each product's slug and SKUs at it,
        stamped ``read_at`` (default: now), replacing a cached miss or a rename's old
        owner."""
        if not products:
            return set()
        fresh_until = self.clock.time() + self.ttls.products
        written = self.cache.set_many_if_newer(
            {
                product_key(p.product_id): (
                    p.model_dump(mode="json", by_alias=True) | {FRESH_UNTIL: fresh_until},
                    p.version,
                )
                for p in products
            },
            self.ttls.products + self.ttls.stale_if_error,
        )
        if with_lookups:
            stamp = read_at or read_stamp(self.clock)
            lookups = {slug_key(p.slug): (p.product_id, stamp) for p in products} | {
                sku_key(s): (p.product_id, stamp) for p in products for s in p.skus
            }
            self.cache.set_many_if_newer(lookups, self.ttls.lookups)
        return {p.product_id for p in products if product_key(p.product_id) in written}

    def put_product(self, product: Product, *, with_lookups: bool = False) -> bool:
        """Version-guarded write of a product (and its lookups, see ``put_products``)."""
        return product.product_id in self.put_products([product], with_lookups=with_lookups)

    def refresh_product(self, product_id: str) -> Product | None:
        """Re-read from the source; a product that is gone is evicted."""
        found = self.source.get_products([product_id])
        if not found:
            self.cache.delete(product_key(product_id))
            return None
        self.put_product(found[0])
        return found[0]

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None:
        """Cached lookups may be stale after a rename; callers check the product and
        come back with ``fresh=True``, see ``resolve_product_id``."""
        key = slug_key(slug) if slug is not None else sku_key(sku) if sku is not None else None
        if key is None:
            return None
        cached = self.cache.get(key)
        if isinstance(cached, str):
            return cached or None
        return self._lookup_source(key, slug=slug, sku=sku)

    def find_product_id_fresh(
        self, *, slug: str | None = None, sku: str | None = None
    ) -> str | None:
        key = slug_key(slug) if slug is not None else sku_key(sku or "")
        return self._lookup_source(key, slug=slug, sku=sku)

    def _lookup_source(self, key: str, *, slug: str | None, sku: str | None) -> str | None:
        """The answer is cached either way; a miss as ``""`` for ``ttls.misses``."""
        stamp = read_stamp(self.clock)
        found = self.source.find_product_id(slug=slug, sku=sku)
        ttl = self.ttls.lookups if found is not None else self.ttls.misses
        self.cache.set_if_newer(key, found or "", stamp, ttl)
        return found

    def variants_by_sku(self, skus: Sequence[str]) -> dict[str, tuple[Product, Variant]]:
        """The product and variant of each of ``skus`` the catalog knows (for sourcing's
        hazmat flags and checkout's prices, via the composition root). One multi-get of
        the SKU lookups, the source asked for each SKU the cache does not know (or whose
        cached product no longer carries it), then product multi-gets. An SKU the
        catalog does not know is left out."""
        wanted = list(dict.fromkeys(skus))
        if not wanted:
            return {}
        hits = self.cache.get_many([sku_key(s) for s in wanted])
        known = {s: pid for s in wanted if isinstance(pid := hits.get(sku_key(s)), str)}
        owners = {s: pid for s, pid in known.items() if pid}
        for sku in wanted:
            if sku not in known and (pid := self._lookup_source(sku_key(sku), slug=None, sku=sku)):
                owners[sku] = pid
        variants = self._variants(set(owners.values()))
        stale = [s for s in owners if s not in variants]
        moved = {pid for s in stale if (pid := self.find_product_id_fresh(sku=s)) is not None}
        variants |= self._variants(moved)
        return {s: variants[s] for s in wanted if s in variants}

    def hazmat_skus(self, skus: Sequence[str]) -> frozenset[str]:
        """Which of ``skus`` are hazmat variants; an SKU the catalog does not know is not."""
        return frozenset(s for s, (_, v) in self.variants_by_sku(skus).items() if v.hazmat)

    def _variants(self, product_ids: set[str]) -> dict[str, tuple[Product, Variant]]:
        products = self.get_products(sorted(product_ids)) if product_ids else {}
        return {v.sku: (p, v) for p in products.values() for v in p.variants}

    # --- categories and brands -------------------------------------------------------
    def categories(self) -> list[Category]:
        cached = self.cache.get(CATEGORIES_KEY)
        if isinstance(cached, list):
            return [Category.model_validate(c) for c in cached]
        return self.refresh_categories()

    def refresh_categories(self) -> list[Category]:
        stamp = read_stamp(self.clock)
        items = self.source.list_categories()
        self.cache.set_if_newer(CATEGORIES_KEY, _dump(items), stamp, self.ttls.taxonomy)
        return items

    def brands(self) -> list[Brand]:
        cached = self.cache.get(BRANDS_KEY)
        if isinstance(cached, list):
            return [Brand.model_validate(b) for b in cached]
        return self.refresh_brands()

    def refresh_brands(self) -> list[Brand]:
        stamp = read_stamp(self.clock)
        items = self.source.list_brands()
        self.cache.set_if_newer(BRANDS_KEY, _dump(items), stamp, self.ttls.taxonomy)
        return items


def _fresh_until(entry: Mapping[str, Any]) -> float:
    """An entry written before freshness was recorded is fresh for as long as it lives."""
    until = entry.get(FRESH_UNTIL)
    if isinstance(until, int | float) and not isinstance(until, bool):
        return float(until)
    return math.inf


def _dump(items: Sequence[Category | Brand]) -> list[dict[str, Any]]:
    return [i.model_dump(mode="json", by_alias=True) for i in items]
