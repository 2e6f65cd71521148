"""The catalog's domain model, shared by every CatalogSource and the GraphQL layer.

Prices carry one ``Money`` per currency because the storefront asks for a currency once
per query; a product with no price in that currency shows no price rather than a
converted guess. Every entity carries ``version`` so cached copies can be guarded
against older writers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field, field_serializer, model_validator

from shared.wire import WireModel


class CatalogModel(WireModel):
    """Catalog data: the shared wire conventions."""


class ProductStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DRAFT = "DRAFT"
    DISCONTINUED = "DISCONTINUED"


class MediaType(StrEnum):
    IMAGE = "IMAGE"
    SWATCH = "SWATCH"
    VIDEO = "VIDEO"


class Money(CatalogModel):
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)

    @field_serializer("amount")
    def _amount_text(self, amount: Decimal) -> str:
        return f"{amount:.2f}"


class Media(CatalogModel):
    type: MediaType = MediaType.IMAGE
    url: str
    alt_text: str = ""
    sort_order: int = 0


class Attribute(CatalogModel):
    name: str
    value: str


class Variant(CatalogModel):
    variant_id: str
    sku: str
    name: str
    attributes: tuple[Attribute, ...] = ()
    prices: tuple[Money, ...] = ()
    media: tuple[Media, ...] = ()
    hazmat: bool = False
    shipping_weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    """The parcel weight the carriers' rate tables price (product and packaging)."""

    def attribute(self, name: str) -> str | None:
        return next((a.value for a in self.attributes if a.name == name), None)

    def price(self, currency: str) -> Money | None:
        return next((p for p in self.prices if p.currency == currency), None)


class Product(CatalogModel):
    product_id: str
    name: str
    slug: str
    description: str = ""
    status: ProductStatus = ProductStatus.ACTIVE
    brand_id: str | None = None
    category_ids: tuple[str, ...] = ()
    """The primary category first."""
    attributes: tuple[Attribute, ...] = ()
    variants: tuple[Variant, ...] = ()
    media: tuple[Media, ...] = ()
    created_date: datetime
    modified_date: datetime
    version: int = 1

    @property
    def skus(self) -> tuple[str, ...]:
        return tuple(v.sku for v in self.variants)

    def price_range(self, currency: str) -> tuple[Money, Money] | None:
        prices = [p for v in self.variants if (p := v.price(currency)) is not None]
        if not prices:
            return None
        return min(prices, key=lambda m: m.amount), max(prices, key=lambda m: m.amount)


class Category(CatalogModel):
    category_id: str
    name: str
    slug: str
    description: str = ""
    parent_id: str | None = None
    sort_order: int = 0
    version: int = 1


class Brand(CatalogModel):
    brand_id: str
    name: str
    slug: str
    description: str = ""
    logo_url: str | None = None
    version: int = 1


class ProductSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NEWEST = "NEWEST"


class ProductSearch(CatalogModel):
    """What a source can filter on; in-stock filtering needs inventory and is applied
    by the service over the source's ordered results."""

    brand_ids: tuple[str, ...] = ()
    category_id: str | None = None
    """Matches the category and all its descendants."""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str = "USD"
    text: str | None = None
    sort: ProductSort = ProductSort.RELEVANCE
    status: ProductStatus | None = ProductStatus.ACTIVE


class SearchPage(CatalogModel):
    product_ids: tuple[str, ...]
    total: int | None = None
    """Set when the source had it for free; else ask ``count_products``."""


class ProductDraft(CatalogModel):
    """The body of an admin upsert: a product without its id, dates and version."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    description: str = Field("", max_length=5000)
    status: ProductStatus = ProductStatus.ACTIVE
    brand_id: str | None = None
    category_ids: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    variants: tuple[Variant, ...] = Field(min_length=1, max_length=100)
    media: tuple[Media, ...] = ()

    @model_validator(mode="after")
    def _unique_skus(self) -> ProductDraft:
        skus = [v.sku for v in self.variants]
        if len(set(skus)) != len(skus):
            raise ValueError("variant SKUs must be unique")
        return self

    @property
    def skus(self) -> tuple[str, ...]:
        return tuple(v.sku for v in self.variants)

    def to_product(self, product_id: str, now: datetime) -> Product:
        return Product(
            product_id=product_id,
            created_date=now,
            modified_date=now,
            **{name: getattr(self, name) for name in type(self).model_fields},
        )
