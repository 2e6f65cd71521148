"""The local CatalogSource: products, categories and brands in one DocumentStore container.

Products are partitioned by their own id; categories and brands live in one small
partition each. Each product document carries derived fields the structured query needs
(lower-cased sort name and search text, the category path with every ancestor, price
bounds in cents per currency), so every filter and sort runs in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal
from typing import Any

from shared.catalog.model import (
    Brand,
    Category,
    Product,
    ProductSearch,
    ProductSort,
    SearchPage,
)
from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.ports import ContainerSpec, Document, DocumentContainer, DocumentStore, Filter, Query

CATEGORIES_PK = "categories"
BRANDS_PK = "brands"
PARTITION_KEY_PATH = "/pk"
_WRITE_ATTEMPTS = 8


def cents(amount: Any) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


def search_words(text: str | None) -> list[str]:
    return [w for w in (text or "").lower().split() if w]


def relevance(doc: Document, words: Sequence[str]) -> int:
    """Name hits weigh most, then brand, then description: what a shopper typed is
    most often part of the product name."""
    name, brand, description = (
        str(doc.get(k, "")).lower() for k in ("name", "brandName", "description")
    )
    return sum(3 * (w in name) + 2 * (w in brand) + (w in description) for w in words)


def _ancestry(category_ids: Sequence[str], parents: dict[str, str | None]) -> list[str]:
    path: list[str] = []
    for cid in category_ids:
        current: str | None = cid
        while current is not None and current not in path:
            path.append(current)
            current = parents.get(current)
    return path


def product_document(product: Product, brand_name: str, parents: dict[str, str | None]) -> Document:
    body = product.model_dump(mode="json", by_alias=True)
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for variant in product.variants:
        for price in variant.prices:
            c = cents(price.amount)
            low[price.currency] = min(low.get(price.currency, c), c)
            high[price.currency] = max(high.get(price.currency, c), c)
    pid = product.product_id
    body.update(
        id=pid,
        pk=product.product_id,
        docType="product",
        brandName=brand_name,
        sortName=f"{product.name.lower()}\t{pid}",
        searchText=f"{product.name} {brand_name} {product.description}".lower(),
        categoryPath=_ancestry(product.category_ids, parents),
        skus=list(product.skus),
        minPrice=low,
        maxPrice=high,
        createdKey=f"{product.created_date.astimezone(UTC).isoformat()}|{pid}",
        priceKey={cur: f"{c:012d}|{pid}" for cur, c in low.items()},
    )
    return body


def _content(product: Product) -> dict[str, Any]:
    return product.model_dump(mode="json", exclude={"version", "modified_date", "created_date"})


class LocalCatalogSource:
    def __init__(self, store: DocumentStore, container_name: str) -> None:
        self._store = store
        self._spec = ContainerSpec(container_name, PARTITION_KEY_PATH)
        self._container: DocumentContainer | None = None

    @property
    def container(self) -> DocumentContainer:
        if self._container is None:
            self._container = self._store.container(self._spec)
        return self._container

    def check(self) -> str:
        return "local"

    # --- reads -----------------------------------------------------------------------
    def get_products(self, product_ids: Sequence[str]) -> list[Product]:
        docs = self.container.read_many([(pid, pid) for pid in product_ids])
        by_id = {d["id"]: d for d in docs if d.get("docType") == "product"}
        return [Product.model_validate(by_id[p]) for p in product_ids if p in by_id]

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None:
        if slug is not None:
            where = Filter("slug", "=", slug)
        elif sku is not None:
            where = Filter("skus", "array_contains", sku)
        else:
            return None
        docs = self.container.query(
            Query(filters=(Filter("docType", "=", "product"), where), limit=1)
        )
        return str(docs[0]["id"]) if docs else None

    def search_products(self, search: ProductSearch, *, offset: int, limit: int) -> SearchPage:
        filters = self._filters(search)
        words = search_words(search.text)
        if search.sort is ProductSort.RELEVANCE and words:
            docs = self.container.query(Query(filters=filters))
            ranked = sorted(docs, key=lambda d: (-relevance(d, words), d["id"]))
            ids = tuple(d["id"] for d in ranked)
            return SearchPage(product_ids=ids[offset : offset + limit], total=len(ids))
        docs = self.container.query(
            Query(filters=filters, order_by=self._order(search), limit=limit, offset=offset)
        )
        return SearchPage(product_ids=tuple(d["id"] for d in docs))

    def count_products(self, search: ProductSearch) -> int:
        return self.container.count(Query(filters=self._filters(search)))

    def list_categories(self) -> list[Category]:
        docs = self.container.query(Query(), partition_key=CATEGORIES_PK)
        found = [Category.model_validate(d) for d in docs]
        return sorted(found, key=lambda c: (c.sort_order, c.category_id))

    def list_brands(self) -> list[Brand]:
        docs = self.container.query(Query(), partition_key=BRANDS_PK)
        return sorted((Brand.model_validate(d) for d in docs), key=lambda b: (b.name, b.brand_id))

    @staticmethod
    def _filters(search: ProductSearch) -> tuple[Filter, ...]:
        filters = [Filter("docType", "=", "product")]
        if search.status is not None:
            filters.append(Filter("status", "=", search.status.value))
        if search.brand_ids:
            filters.append(Filter("brandId", "in", list(search.brand_ids)))
        if search.category_id is not None:
            filters.append(Filter("categoryPath", "array_contains", search.category_id))
        if search.min_price is not None:
            filters.append(Filter(f"maxPrice.{search.currency}", ">=", cents(search.min_price)))
        if search.max_price is not None:
            filters.append(Filter(f"minPrice.{search.currency}", "<=", cents(search.max_price)))
        filters.extend(Filter("searchText", "contains", w) for w in search_words(search.text))
        return tuple(filters)

    @staticmethod
    def _order(search: ProductSearch) -> tuple[tuple[str, bool], ...]:
        price = f"priceKey.{search.currency}"
        return {
            ProductSort.RELEVANCE: (("id", False),),
            ProductSort.NAME_ASC: (("sortName", False),),
            ProductSort.NAME_DESC: (("sortName", True),),
            ProductSort.PRICE_ASC: ((price, False),),
            ProductSort.PRICE_DESC: ((price, True),),
            ProductSort.NEWEST: (("createdKey", True),),
        }[search.sort]

    # --- writes ----------------------------------------------------------------------
    def upsert_categories(self, categories: Sequence[Category]) -> None:
        self._upsert_small(CATEGORIES_PK, [c.category_id for c in categories], categories)

    def upsert_brands(self, brands: Sequence[Brand]) -> None:
        self._upsert_small(BRANDS_PK, [b.brand_id for b in brands], brands)

    def _upsert_small(self, pk: str, ids: list[str], items: Sequence[Category | Brand]) -> None:
        existing = {d["id"]: d for d in self.container.query(Query(), partition_key=pk)}
        for doc_id, item in zip(ids, items, strict=True):
            body = item.model_dump(mode="json", by_alias=True)
            old = existing.get(doc_id)
            if old is not None and all(old.get(k) == v for k, v in body.items() if k != "version"):
                continue
            body["version"] = max(item.version, int(old["version"]) + 1 if old else 1)
            self.container.upsert({**body, "id": doc_id, "pk": pk, "docType": pk[:-1]})

    def upsert_product(self, product: Product, *, if_match: str | None = None) -> Product:
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
        if_match: str | None,
        parents: dict[str, str | None],
        brands: dict[str, str],
    ) -> Product:
        brand_name = brands.get(product.brand_id or "", "")
        for _ in range(_WRITE_ATTEMPTS):
            current = self._read(product.product_id)
            old = None if current is None else Product.model_validate(current)
            if if_match is not None and (old is None or str(old.version) != if_match):
                raise PreconditionFailed(
                    f"product {product.product_id!r} is not at version {if_match}"
                )
            if old is not None and _content(old) == _content(product):
                return old
            new = product.model_copy(
                update={
                    "version": old.version + 1 if old else max(product.version, 1),
                    "created_date": old.created_date if old else product.created_date,
                }
            )
            doc = product_document(new, brand_name, parents)
            try:
                if current is None:
                    self.container.create(doc)
                else:
                    self.container.replace(doc, if_match=current["_etag"])
                return new
            except (Conflict, PreconditionFailed):
                continue
        raise Conflict(f"product {product.product_id!r} kept changing; try again")

    def _read(self, product_id: str) -> Document | None:
        try:
            return self.container.read(product_id, product_id)
        except NotFound:
            return None
