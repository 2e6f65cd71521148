"""The local CatalogSource: products, categories and brands in one DocumentStore container.

The documents are the stored models of ``stored.py``; every filter and sort names their
fields through ``paths(...)`` and runs in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from shared.catalog.model import (
    Brand,
    Category,
    Product,
    ProductSearch,
    ProductSort,
    SearchPage,
)
from shared.catalog.sources.stored import (
    BRANDS_PK,
    CATEGORIES_PK,
    ProductHit,
    ProductRecord,
    StoredBrand,
    StoredCategory,
    StoredProduct,
    cents,
    container_spec,
)
from shared.errors import Conflict, PreconditionFailed
from shared.ports import DocumentStore, Filter, Query
from shared.preconditions import IfMatch, check_if_match
from shared.stored import Documents, paths

P = paths(StoredProduct)
_WRITE_ATTEMPTS = 8
Taxon = TypeVar("Taxon", Category, Brand)


def search_words(text: str | None) -> list[str]:
    return [w for w in (text or "").lower().split() if w]


def relevance(hit: ProductHit, words: Sequence[str]) -> int:
    """Name hits weigh most, then brand, then description: what a shopper typed is
    most often part of the product name."""
    name, brand, description = (s.lower() for s in (hit.name, hit.brand_name, hit.description))
    return sum(3 * (w in name) + 2 * (w in brand) + (w in description) for w in words)


def _content(product: Product) -> dict[str, Any]:
    return product.model_dump(mode="json", exclude={"version", "modified_date", "created_date"})


def _next_version(old: Taxon | None, new: Taxon) -> int | None:
    """The version to store ``new`` at, or ``None`` when nothing but the version changed
    (seeding again rewrites nothing)."""
    if old is not None and old.model_dump(mode="json", exclude={"version"}) == new.model_dump(
        mode="json", exclude={"version"}
    ):
        return None
    return max(new.version, old.version + 1 if old else 1)


@dataclass(frozen=True)
class _Shelves:
    """The container's three kinds; products as a write stores them, a read needs them
    and a search reads them."""

    products: Documents[StoredProduct]
    records: Documents[ProductRecord]
    hits: Documents[ProductHit]
    categories: Documents[StoredCategory]
    brands: Documents[StoredBrand]


class LocalCatalogSource:
    def __init__(self, store: DocumentStore, container_name: str) -> None:
        self._store = store
        self._spec = container_spec(container_name)
        self._opened: _Shelves | None = None

    @property
    def _shelves(self) -> _Shelves:
        """Opened on first use: the store may create the container, which is I/O."""
        if self._opened is None:
            container = self._store.container(self._spec)
            self._opened = _Shelves(
                Documents(container, StoredProduct),
                Documents(container, ProductRecord),
                Documents(container, ProductHit),
                Documents(container, StoredCategory),
                Documents(container, StoredBrand),
            )
        return self._opened

    def check(self) -> str:
        return "local"

    # --- reads -----------------------------------------------------------------------
    def get_products(self, product_ids: Sequence[str]) -> list[Product]:
        found = self._shelves.records.read_many([(pid, pid) for pid in product_ids])
        by_id = {s.model.id: s.model.view() for s in found}
        return [by_id[p] for p in product_ids if p in by_id]

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None:
        if slug is not None:
            where = Filter(P.slug, "=", slug)
        elif sku is not None:
            where = Filter(P.skus, "array_contains", sku)
        else:
            return None
        hits = self._shelves.hits.query(Query(filters=(where,), limit=1))
        return hits[0].model.id if hits else None

    def search_products(self, search: ProductSearch, *, offset: int, limit: int) -> SearchPage:
        filters = self._filters(search)
        words = search_words(search.text)
        if search.sort is ProductSort.RELEVANCE and words:
            hits = [s.model for s in self._shelves.hits.query(Query(filters=filters))]
            ranked = sorted(hits, key=lambda h: (-relevance(h, words), h.id))
            ids = tuple(h.id for h in ranked)
            return SearchPage(product_ids=ids[offset : offset + limit], total=len(ids))
        page = self._shelves.hits.query(
            Query(filters=filters, order_by=self._order(search), limit=limit, offset=offset)
        )
        return SearchPage(product_ids=tuple(s.model.id for s in page))

    def count_products(self, search: ProductSearch) -> int:
        return self._shelves.hits.count(Query(filters=self._filters(search)))

    def list_categories(self) -> list[Category]:
        found = self._shelves.categories.query(partition_key=CATEGORIES_PK)
        return sorted((s.model.view() for s in found), key=lambda c: (c.sort_order, c.category_id))

    def list_brands(self) -> list[Brand]:
        found = self._shelves.brands.query(partition_key=BRANDS_PK)
        return sorted((s.model.view() for s in found), key=lambda b: (b.name, b.brand_id))

    @staticmethod
    def _filters(search: ProductSearch) -> tuple[Filter, ...]:
        """The kind (``docType``) is added by ``Documents``."""
        filters: list[Filter] = []
        if search.status is not None:
            filters.append(Filter(P.status, "=", search.status.value))
        if search.brand_ids:
            filters.append(Filter(P.brand_id, "in", list(search.brand_ids)))
        if search.category_id is not None:
            filters.append(Filter(P.category_path, "array_contains", search.category_id))
        if search.min_price is not None:
            filters.append(Filter(P.max_price / search.currency, ">=", cents(search.min_price)))
        if search.max_price is not None:
            filters.append(Filter(P.min_price / search.currency, "<=", cents(search.max_price)))
        filters.extend(Filter(P.search_text, "contains", w) for w in search_words(search.text))
        return tuple(filters)

    @staticmethod
    def _order(search: ProductSearch) -> tuple[tuple[str, bool], ...]:
        price = P.price_key / search.currency
        return {
            ProductSort.RELEVANCE: ((P.id, False),),
            ProductSort.NAME_ASC: ((P.sort_name, False),),
            ProductSort.NAME_DESC: ((P.sort_name, True),),
            ProductSort.PRICE_ASC: ((price, False),),
            ProductSort.PRICE_DESC: ((price, True),),
            ProductSort.NEWEST: ((P.created_key, True),),
        }[search.sort]

    # --- writes ----------------------------------------------------------------------
    def upsert_categories(self, categories: Sequence[Category]) -> None:
        docs = self._shelves.categories
        existing = {s.model.id: s.model.view() for s in docs.query(partition_key=CATEGORIES_PK)}
        for category in categories:
            version = _next_version(existing.get(category.category_id), category)
            if version is not None:
                docs.upsert(StoredCategory.of(category, version))

    def upsert_brands(self, brands: Sequence[Brand]) -> None:
        docs = self._shelves.brands
        existing = {s.model.id: s.model.view() for s in docs.query(partition_key=BRANDS_PK)}
        for brand in brands:
            version = _next_version(existing.get(brand.brand_id), brand)
            if version is not None:
                docs.upsert(StoredBrand.of(brand, version))

    def upsert_product(self, product: Product, *, if_match: IfMatch | None = None) -> Product:
        return self._upsert(product, if_match, self._parents(), self._brand_names())

    def upsert_products(self, products: Sequence[Product]) -> list[Product]:
        """Store each product; returns the ones that changed (seeding is idempotent)."""
        parents, brands = self._parents(), self._brand_names()
        current = {p.product_id: p for p in self.get_products([p.product_id for p in products])}
        changed = []
        for product in products:
            old = current.get(product.product_id)
            if old is None or _content(old) != _content(product):
                changed.append(self._upsert(product, None, parents, brands))
        return changed

    def _parents(self) -> dict[str, str | None]:
        return {c.category_id: c.parent_id for c in self.list_categories()}

    def _brand_names(self) -> dict[str, str]:
        return {b.brand_id: b.name for b in self.list_brands()}

    def _upsert(
        self,
        product: Product,
        if_match: IfMatch | None,
        parents: dict[str, str | None],
        brands: dict[str, str],
    ) -> Product:
        """Read, check, write over the version read: a concurrent writer makes the write
        fail and the loop read again, so ``if_match`` is checked against what is replaced."""
        shelves = self._shelves
        pid = product.product_id
        brand_name = brands.get(product.brand_id or "", "")
        for _ in range(_WRITE_ATTEMPTS):
            current = shelves.records.get(pid, pid)
            old = None if current is None else current.model.view()
            check_if_match(if_match, None if old is None else old.version, f"product {pid!r}")
            if old is not None and _content(old) == _content(product):
                return old
            new = product.model_copy(
                update={
                    "version": old.version + 1 if old else max(product.version, 1),
                    "created_date": old.created_date if old else product.created_date,
                }
            )
            stored = StoredProduct.of(new, brand_name, parents)
            try:
                if current is None:
                    shelves.products.create(stored)
                else:
                    shelves.products.replace(stored, if_match=current.etag)
                return new
            except (Conflict, PreconditionFailed):
                continue
        raise Conflict(f"product {pid!r} kept changing; try again")
