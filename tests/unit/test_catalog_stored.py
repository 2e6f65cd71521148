"""The local catalog's stored documents, spelled out: a change of the stored shape (which
documents already in a store must still read as) shows here first."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shared.catalog.model import Attribute, Brand, Category, Money, Product, Variant
from shared.catalog.sources.stored import StoredBrand, StoredCategory, StoredProduct

CREATED = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
PRODUCT = Product(
    product_id="p-1",
    name="Velvet Lip Tint",
    slug="velvet-lip-tint",
    description="Sheer colour.",
    brand_id="brand-rosebay",
    category_ids=("cat-lip-gloss",),
    variants=(
        Variant(
            variant_id="p-1-v1",
            sku="SKU-1",
            name="Velvet Lip Tint - Rose",
            attributes=(Attribute(name="shade", value="Rose"),),
            prices=(
                Money(amount=Decimal("18.5"), currency="USD"),
                Money(amount=Decimal("24.99"), currency="CAD"),
            ),
        ),
        Variant(
            variant_id="p-1-v2",
            sku="SKU-2",
            name="Velvet Lip Tint - Plum",
            prices=(Money(amount=Decimal("9.99"), currency="USD"),),
            hazmat=True,
        ),
    ),
    created_date=CREATED,
    modified_date=CREATED,
    version=3,
)
PARENTS = {"cat-lip-gloss": "cat-lips", "cat-lips": "cat-makeup", "cat-makeup": None}


def variant_document(variant: Variant) -> dict[str, Any]:
    return variant.model_dump(mode="json", by_alias=True)


def test_a_product_document_carries_the_fields_queries_need() -> None:
    stored = StoredProduct.of(PRODUCT, "Rosebay", PARENTS)
    assert stored.to_document() == {
        "id": "p-1",
        "pk": "p-1",
        "docType": "product",
        "name": "Velvet Lip Tint",
        "brandName": "Rosebay",
        "description": "Sheer colour.",
        "productId": "p-1",
        "slug": "velvet-lip-tint",
        "status": "ACTIVE",
        "brandId": "brand-rosebay",
        "categoryIds": ["cat-lip-gloss"],
        "attributes": [],
        "variants": [variant_document(v) for v in PRODUCT.variants],
        "media": [],
        "createdDate": "2024-05-01T08:30:00Z",
        "modifiedDate": "2024-05-01T08:30:00Z",
        "version": 3,
        "sortName": "velvet lip tint\tp-1",
        "searchText": "velvet lip tint rosebay sheer colour.",
        "categoryPath": ["cat-lip-gloss", "cat-lips", "cat-makeup"],
        "skus": ["SKU-1", "SKU-2"],
        "minPrice": {"USD": 999, "CAD": 2499},
        "maxPrice": {"USD": 1850, "CAD": 2499},
        "createdKey": "2024-05-01T08:30:00+00:00|p-1",
        "priceKey": {"USD": "000000000999|p-1", "CAD": "000000002499|p-1"},
    }
    assert StoredProduct.model_validate(stored.to_document()).view() == PRODUCT


def test_taxonomy_documents_are_the_view_with_their_kind_and_partition() -> None:
    category = Category(category_id="cat-lips", name="Lips", slug="lips", parent_id="cat-makeup")
    brand = Brand(brand_id="brand-rosebay", name="Rosebay", slug="rosebay")
    assert StoredCategory.of(category, 2).to_document() == {
        "id": "cat-lips",
        "pk": "categories",
        "docType": "category",
        "categoryId": "cat-lips",
        "name": "Lips",
        "slug": "lips",
        "description": "",
        "parentId": "cat-makeup",
        "sortOrder": 0,
        "version": 2,
    }
    assert StoredBrand.of(brand, 1).to_document() == {
        "id": "brand-rosebay",
        "pk": "brands",
        "docType": "brand",
        "brandId": "brand-rosebay",
        "name": "Rosebay",
        "slug": "rosebay",
        "description": "",
        "logoUrl": None,
        "version": 1,
    }
    assert StoredCategory.of(category, 2).view() == category.model_copy(update={"version": 2})
    assert StoredBrand.of(brand, 1).view() == brand
