"""Resolvers of Product, ProductVariant, ProductCategory and ProductBrand."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, ScalarType
from graphql import GraphQLResolveInfo

from shared.catalog.graphql.listing import Connection, list_products
from shared.catalog.graphql.loaders import Taxonomy
from shared.catalog.graphql.resolvers_query import ctx
from shared.catalog.lookups import DeliveryPromise
from shared.catalog.model import (
    Brand,
    Category,
    Media,
    MediaType,
    Money,
    Product,
    ProductSearch,
    ProductSort,
    Variant,
)
from shared.errors import BadRequest

datetime_scalar = ScalarType("DateTime", serializer=lambda value: value.isoformat())

product = ObjectType("Product")
variant = ObjectType("ProductVariant")
category = ObjectType("ProductCategory")
brand = ObjectType("ProductBrand")
money = ObjectType("Money")
media = ObjectType("ProductMedia")
connection = ObjectType("ProductConnection")
edge = ObjectType("ProductEdge")
page_info = ObjectType("PageInfo")
delivery_option = ObjectType("DeliveryOption")

# Fields that only rename a model attribute (camelCase on the wire, snake_case in Python).
product.set_alias("productId", "product_id")
product.set_alias("createdDate", "created_date")
product.set_alias("modifiedDate", "modified_date")
variant.set_alias("variantId", "variant_id")
delivery_option.set_alias("levelOfService", "level_of_service")
delivery_option.set_alias("carrierServiceCode", "carrier_service_code")
delivery_option.set_alias("deliveryDateType", "delivery_date_type")
media.set_alias("altText", "alt_text")
media.set_alias("sortOrder", "sort_order")
category.set_alias("categoryId", "category_id")
brand.set_alias("brandId", "brand_id")


def _taxonomy(info: GraphQLResolveInfo) -> Taxonomy:
    return ctx(info).loaders.taxonomy()


# --- Product ----------------------------------------------------------------------------
@product.field("brand")
def resolve_product_brand(obj: Product, info: GraphQLResolveInfo) -> Brand | None:
    return _taxonomy(info).brands.get(obj.brand_id or "")


@product.field("category")
def resolve_product_category(obj: Product, info: GraphQLResolveInfo) -> Category | None:
    taxonomy = _taxonomy(info)
    return next(
        (taxonomy.categories[c] for c in obj.category_ids if c in taxonomy.categories), None
    )


@product.field("categories")
def resolve_product_categories(obj: Product, info: GraphQLResolveInfo) -> list[Category]:
    taxonomy = _taxonomy(info)
    return [taxonomy.categories[c] for c in obj.category_ids if c in taxonomy.categories]


@product.field("media")
def resolve_product_media(obj: Product, _: GraphQLResolveInfo) -> list[Media]:
    return sorted(obj.media, key=lambda m: m.sort_order)


@product.field("priceRange")
def resolve_price_range(obj: Product, info: GraphQLResolveInfo) -> dict[str, Money] | None:
    found = obj.price_range(ctx(info).loaders.shopping.currency)
    return None if found is None else {"min": found[0], "max": found[1]}


# --- ProductVariant ---------------------------------------------------------------------
@variant.field("shade")
def resolve_shade(obj: Variant, _: GraphQLResolveInfo) -> str | None:
    return obj.attribute("shade")


@variant.field("size")
def resolve_size(obj: Variant, _: GraphQLResolveInfo) -> str | None:
    return obj.attribute("size")


@variant.field("media")
def resolve_variant_media(obj: Variant, _: GraphQLResolveInfo) -> list[Media]:
    return sorted(obj.media, key=lambda m: m.sort_order)


@variant.field("price")
def resolve_variant_price(obj: Variant, info: GraphQLResolveInfo) -> Money | None:
    return obj.price(ctx(info).loaders.shopping.currency)


@variant.field("availability")
def resolve_availability(obj: Variant, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    level = ctx(info).loaders.stock(obj.sku)
    if level is None:
        return {"status": "OUT_OF_STOCK", "inStock": False, "available": 0}
    return {
        "status": level.status,
        "inStock": level.status != "OUT_OF_STOCK",
        "available": level.available,
    }


@variant.field("deliveryOptions")
def resolve_delivery_options(
    obj: Variant,
    info: GraphQLResolveInfo,
    postalCode: str | None = None,
    quantity: int | None = 1,
) -> list[DeliveryPromise]:
    loaders = ctx(info).loaders
    postal = postalCode or loaders.shopping.postal_code
    if not postal:
        raise BadRequest(
            "deliveryOptions needs a postalCode argument or @inContext(postalCode:)",
            code="POSTAL_CODE_REQUIRED",
        )
    if quantity is None or not 1 <= quantity <= 999:
        got = "null" if quantity is None else quantity
        raise BadRequest(f"quantity must be 1 to 999, got {got}", code="INVALID_ARGUMENT")
    return list(loaders.promises(obj, postal, quantity))


@delivery_option.field("deliveryDate")
def resolve_delivery_date(obj: DeliveryPromise, _: GraphQLResolveInfo) -> str:
    return obj.delivery_date.isoformat()


@delivery_option.field("charge")
def resolve_delivery_charge(obj: DeliveryPromise, _: GraphQLResolveInfo) -> Money:
    return Money(amount=obj.charge_amount, currency=obj.charge_currency)


@delivery_option.field("freeShipping")
def resolve_free_shipping(obj: DeliveryPromise, _: GraphQLResolveInfo) -> bool:
    return obj.free_shipping


# --- Money, media -----------------------------------------------------------------------
@money.field("amount")
def resolve_amount(obj: Money, _: GraphQLResolveInfo) -> str:
    return f"{obj.amount:.2f}"


# --- ProductCategory --------------------------------------------------------------------
@category.field("level")
def resolve_level_of(obj: Category, info: GraphQLResolveInfo) -> int:
    return len(_taxonomy(info).ancestors(obj))


@category.field("parent")
def resolve_parent(obj: Category, info: GraphQLResolveInfo) -> Category | None:
    return _taxonomy(info).categories.get(obj.parent_id or "")


@category.field("ancestors")
def resolve_ancestors(obj: Category, info: GraphQLResolveInfo) -> list[Category]:
    return _taxonomy(info).ancestors(obj)


@category.field("children")
def resolve_children(obj: Category, info: GraphQLResolveInfo) -> list[Category]:
    taxonomy = _taxonomy(info)
    root = info.path
    while root.prev is not None:
        root = root.prev
    limit = ctx(info).tree_depths.get(str(root.key))
    if limit is not None and len(taxonomy.ancestors(obj)) + 1 >= limit:
        return []
    return taxonomy.children.get(obj.category_id, [])


def _products_of(
    info: GraphQLResolveInfo,
    first: int | None,
    after: str | None,
    sort: str | None,
    **scope: Any,
) -> Connection:
    """A category's or a brand's products: the listing, scoped, in the query currency."""
    context = ctx(info)
    search = ProductSearch(
        currency=context.loaders.shopping.currency, sort=ProductSort(sort or "RELEVANCE"), **scope
    )
    return list_products(context.source, context.loaders, search, first=first, after=after)


@category.field("products")
def resolve_category_products(
    obj: Category,
    info: GraphQLResolveInfo,
    first: int | None = 20,
    after: str | None = None,
    sort: str | None = "RELEVANCE",
) -> Connection:
    return _products_of(info, first, after, sort, category_id=obj.category_id)


# --- ProductBrand -----------------------------------------------------------------------
@brand.field("logo")
def resolve_logo(obj: Brand, _: GraphQLResolveInfo) -> Media | None:
    if obj.logo_url is None:
        return None
    return Media(type=MediaType.IMAGE, url=obj.logo_url, alt_text=f"{obj.name} logo")


@brand.field("products")
def resolve_brand_products(
    obj: Brand,
    info: GraphQLResolveInfo,
    first: int | None = 20,
    after: str | None = None,
    sort: str | None = "RELEVANCE",
) -> Connection:
    return _products_of(info, first, after, sort, brand_ids=(obj.brand_id,))


# --- connections ------------------------------------------------------------------------
@connection.field("edges")
def resolve_edges(obj: Connection, _: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return [{"cursor": cursor, "node": node} for cursor, node in obj.edges]


@connection.field("pageInfo")
def resolve_page_info(obj: Connection, _: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "hasNextPage": obj.has_next_page,
        "hasPreviousPage": obj.has_previous_page,
        "startCursor": obj.start_cursor,
        "endCursor": obj.end_cursor,
    }


@connection.field("totalCount")
def resolve_total_count(obj: Connection, _: GraphQLResolveInfo) -> int:
    return obj.count()


BINDABLES = [
    datetime_scalar,
    product,
    variant,
    category,
    brand,
    money,
    media,
    connection,
    edge,
    page_info,
    delivery_option,
]
