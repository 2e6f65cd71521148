"""The local catalog's stored documents: the only place their field names are spelled.

One container holds three kinds (``docType``): each product in its own partition (its
id), categories in one small partition and brands in another. A product document is the
product as the storefront sees it plus the derived fields the store's structured queries
filter and sort on (lower-cased sort name and search text, the category path with every
ancestor, price bounds in cents per currency, tie-broken sort keys), so every filter and
sort runs in the store. Nested values (variants, attributes, media) are stored as they
are on the wire, so they keep the catalog model's types.

The storefront's ``Product``, ``Category`` and ``Brand`` are views of these documents
(``view()``); a renamed field of the view never renames a stored field silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

from shared.catalog.model import (
    Attribute,
    Brand,
    Category,
    Media,
    Product,
    ProductStatus,
    Variant,
)
from shared.ports import ContainerSpec
from shared.stored import StoredModel, paths

PARTITION_KEY_PATH = "/pk"
CATEGORIES_PK = "categories"
BRANDS_PK = "brands"


def container_spec(container_name: str) -> ContainerSpec:
    return ContainerSpec(container_name, PARTITION_KEY_PATH)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def ancestry(category_ids: Sequence[str], parents: Mapping[str, str | None]) -> tuple[str, ...]:
    """Each category and its ancestors, primary first; a cycle in bad data stops a walk."""
    path: list[str] = []
    for cid in category_ids:
        current: str | None = cid
        while current is not None and current not in path:
            path.append(current)
            current = parents.get(current)
    return tuple(path)


class ProductHit(StoredModel):
    """A product document as a search reads it: its id and the text relevance weighs.

    Reads validate only what they use (a page of hits is not a page of products), and
    never write back what they read, so they keep no other field either; the three
    product models are one document, each a subset of the next.
    """

    model_config = ConfigDict(extra="ignore")
    DOC_TYPE: ClassVar[str | None] = "product"

    pk: str
    doc_type: Literal["product"] = "product"
    name: str
    brand_name: str
    description: str


class ProductRecord(ProductHit):
    """A product document as a product read needs it: the storefront's product."""

    product_id: str
    slug: str
    status: ProductStatus
    brand_id: str | None
    category_ids: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    variants: tuple[Variant, ...]
    media: tuple[Media, ...]
    created_date: datetime
    modified_date: datetime
    version: int

    def view(self) -> Product:
        """Built from fields this model has validated already: a page of products read
        from the store is not validated twice."""
        return Product.model_construct(
            product_id=self.product_id,
            name=self.name,
            slug=self.slug,
            description=self.description,
            status=self.status,
            brand_id=self.brand_id,
            category_ids=self.category_ids,
            attributes=self.attributes,
            variants=self.variants,
            media=self.media,
            created_date=self.created_date,
            modified_date=self.modified_date,
            version=self.version,
        )


class StoredProduct(ProductRecord):
    """The whole product document, as a write stores it."""

    model_config = ConfigDict(extra="allow")

    sort_name: str
    """``name`` lower-cased, then the id: name order with a stable tie-break."""
    search_text: str
    category_path: tuple[str, ...]
    skus: tuple[str, ...]
    min_price: dict[str, int]
    """Cents of the cheapest variant, per currency."""
    max_price: dict[str, int]
    created_key: str
    """Creation instant (UTC, ISO) then the id: newest-first order with a tie-break."""
    price_key: dict[str, str]
    """``min_price`` zero-padded then the id, per currency: price order with a tie-break."""

    @classmethod
    def of(
        cls, product: Product, brand_name: str, parents: Mapping[str, str | None]
    ) -> StoredProduct:
        low: dict[str, int] = {}
        high: dict[str, int] = {}
        for variant in product.variants:
            for price in variant.prices:
                c = cents(price.amount)
                low[price.currency] = min(low.get(price.currency, c), c)
                high[price.currency] = max(high.get(price.currency, c), c)
        pid = product.product_id
        return cls(
            id=pid,
            pk=pid,
            name=product.name,
            brand_name=brand_name,
            description=product.description,
            product_id=pid,
            slug=product.slug,
            status=product.status,
            brand_id=product.brand_id,
            category_ids=product.category_ids,
            attributes=product.attributes,
            variants=product.variants,
            media=product.media,
            created_date=product.created_date,
            modified_date=product.modified_date,
            version=product.version,
            sort_name=f"{product.name.lower()}\t{pid}",
            search_text=f"{product.name} {brand_name} {product.description}".lower(),
            category_path=ancestry(product.category_ids, parents),
            skus=product.skus,
            min_price=low,
            max_price=high,
            created_key=f"{product.created_date.astimezone(UTC).isoformat()}|{pid}",
            price_key={cur: f"{c:012d}|{pid}" for cur, c in low.items()},
        )


class StoredCategory(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "category"

    pk: str
    doc_type: Literal["category"] = "category"
    category_id: str
    name: str
    slug: str
    description: str
    parent_id: str | None
    sort_order: int
    version: int

    @classmethod
    def of(cls, category: Category, version: int) -> StoredCategory:
        return cls(
            id=category.category_id,
            pk=CATEGORIES_PK,
            category_id=category.category_id,
            name=category.name,
            slug=category.slug,
            description=category.description,
            parent_id=category.parent_id,
            sort_order=category.sort_order,
            version=version,
        )

    def view(self) -> Category:
        return Category(
            category_id=self.category_id,
            name=self.name,
            slug=self.slug,
            description=self.description,
            parent_id=self.parent_id,
            sort_order=self.sort_order,
            version=self.version,
        )


class StoredBrand(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "brand"

    pk: str
    doc_type: Literal["brand"] = "brand"
    brand_id: str
    name: str
    slug: str
    description: str
    logo_url: str | None
    version: int

    @classmethod
    def of(cls, brand: Brand, version: int) -> StoredBrand:
        return cls(
            id=brand.brand_id,
            pk=BRANDS_PK,
            brand_id=brand.brand_id,
            name=brand.name,
            slug=brand.slug,
            description=brand.description,
            logo_url=brand.logo_url,
            version=version,
        )

    def view(self) -> Brand:
        return Brand(
            brand_id=self.brand_id,
            name=self.name,
            slug=self.slug,
            description=self.description,
            logo_url=self.logo_url,
            version=self.version,
        )


@dataclass(frozen=True)
class StoredChange:
    """One changed document of the container as its change feed delivers it: the kind,
    the id of what changed, its version, and a product's slug."""

    doc_type: str
    entity_id: str
    version: int
    slug: str | None = None


def changed_documents(documents: Iterable[Mapping[str, Any]]) -> list[StoredChange]:
    """The products, categories and brands of a change-feed batch, in feed order; a
    document of another kind (or one without its id or version) is left out."""
    product, category, brand = paths(StoredProduct), paths(StoredCategory), paths(StoredBrand)
    ids = {
        StoredProduct.DOC_TYPE: product.product_id,
        StoredCategory.DOC_TYPE: category.category_id,
        StoredBrand.DOC_TYPE: brand.brand_id,
    }
    changes: list[StoredChange] = []
    for doc in documents:
        kind = doc.get(product.doc_type)
        id_field = ids.get(kind) if isinstance(kind, str) else None
        version = doc.get(product.version)
        if id_field is None or not isinstance(version, int) or not doc.get(id_field):
            continue
        slug = doc.get(product.slug) if kind == StoredProduct.DOC_TYPE else None
        text = None if slug is None else str(slug)
        changes.append(StoredChange(str(kind), str(doc[id_field]), version, text))
    return changes
