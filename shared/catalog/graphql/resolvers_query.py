"""Resolvers of the ``Query`` root: lookups, the product listing and the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from shared.catalog.graphql.listing import MAX_PAGE, Connection, ScanLimits, list_products
from shared.catalog.graphql.loaders import RequestLoaders
from shared.catalog.model import (
    Brand,
    Category,
    Product,
    ProductSearch,
    ProductSort,
    ProductStatus,
)
from shared.catalog.sources.port import CatalogSource
from shared.errors import BadRequest


@dataclass
class RequestContext:
    """What every resolver reaches through ``info.context``."""

    source: CatalogSource
    loaders: RequestLoaders
    scan: ScanLimits = field(default_factory=ScanLimits)
    tree_depths: dict[str, int] = field(default_factory=dict)
    """``categoryTree`` depth by the response key it was asked under."""


def ctx(info: GraphQLResolveInfo) -> RequestContext:
    context: RequestContext = info.context
    return context


query = QueryType()


def _exactly_one(**given: Any) -> tuple[str, Any]:
    present = [(k, v) for k, v in given.items() if v is not None]
    if len(present) != 1:
        raise BadRequest(f"give exactly one of {', '.join(given)}", code="INVALID_ARGUMENT")
    return present[0]


def resolve_product_ref(
    context: RequestContext, *, product_id: str | None, slug: str | None, sku: str | None
) -> Product | None:
    """A cached slug or SKU lookup may be stale after a rename; the loaded product must
    still carry it, else the source is asked again. A miss (cached or not) is final:
    asking again would make every dead link cost two source lookups."""
    kind, value = _exactly_one(productId=product_id, slug=slug, sku=sku)
    loaders = context.loaders
    if kind == "productId":
        return loaders.products([value])[0]
    lookup = {"slug": value} if kind == "slug" else {"sku": value}
    pid = loaders.catalog.find_product_id(**lookup)
    if pid is None:
        return None
    product = loaders.products([pid])[0]
    if product is not None and _carries(product, kind, value):
        return product
    pid = loaders.catalog.find_product_id_fresh(**lookup)
    if pid is None:
        return None
    product = loaders.catalog.refresh_product(pid)
    if product is not None:
        loaders.register([product])
    return product if product is not None and _carries(product, kind, value) else None


def _carries(product: Product, kind: str, value: str) -> bool:
    return product.slug == value if kind == "slug" else value in product.skus


@query.field("product")
def resolve_product(
    _: None,
    info: GraphQLResolveInfo,
    productId: str | None = None,
    slug: str | None = None,
    sku: str | None = None,
) -> Product | None:
    return storefront(resolve_product_ref(ctx(info), product_id=productId, slug=slug, sku=sku))


def storefront(product: Product | None) -> Product | None:
    """A draft was never published: the storefront sees no product, as commercetools
    serves only published projections. Listings show ACTIVE products only."""
    return None if product is None or product.status is ProductStatus.DRAFT else product


def _price(value: str | None, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise BadRequest(f"{name} must be a decimal amount", code="INVALID_ARGUMENT") from None
    if not amount.is_finite() or amount < 0:
        raise BadRequest(f"{name} must be a non-negative amount", code="INVALID_ARGUMENT")
    return amount


@query.field("products")
def resolve_products(
    _: None,
    info: GraphQLResolveInfo,
    first: int | None = 20,
    after: str | None = None,
    filter: dict[str, Any] | None = None,
    sort: str | None = "RELEVANCE",
) -> Connection:
    f = filter or {}
    context = ctx(info)
    search = ProductSearch(
        brand_ids=tuple(f.get("brandIds") or ()),
        category_id=f.get("categoryId"),
        min_price=_price(f.get("minPrice"), "minPrice"),
        max_price=_price(f.get("maxPrice"), "maxPrice"),
        currency=context.loaders.shopping.currency,
        text=f.get("search"),
        sort=ProductSort(sort or "RELEVANCE"),
    )
    return list_products(
        context.source,
        context.loaders,
        search,
        first=first,
        after=after,
        in_stock=bool(f.get("inStock")),
        limits=context.scan,
    )


@query.field("productsByIds")
def resolve_products_by_ids(
    _: None, info: GraphQLResolveInfo, ids: list[str]
) -> list[Product | None]:
    if len(ids) > MAX_PAGE:
        raise BadRequest(f"at most {MAX_PAGE} ids, got {len(ids)}", code="INVALID_ARGUMENT")
    return [storefront(p) for p in ctx(info).loaders.products(ids)]


@query.field("categoryTree")
def resolve_category_tree(
    _: None, info: GraphQLResolveInfo, depth: int | None = 3
) -> list[Category]:
    if depth is None or not 1 <= depth <= 10:
        got = "null" if depth is None else depth
        raise BadRequest(f"depth must be between 1 and 10, got {got}", code="INVALID_ARGUMENT")
    ctx(info).tree_depths[str(info.path.key)] = depth
    return ctx(info).loaders.taxonomy().children.get(None, [])


@query.field("category")
def resolve_category(
    _: None, info: GraphQLResolveInfo, categoryId: str | None = None, slug: str | None = None
) -> Category | None:
    kind, value = _exactly_one(categoryId=categoryId, slug=slug)
    taxonomy = ctx(info).loaders.taxonomy()
    if kind == "categoryId":
        return taxonomy.categories.get(value)
    return taxonomy.category_by_slug.get(value)


@query.field("brands")
def resolve_brands(_: None, info: GraphQLResolveInfo) -> list[Brand]:
    return sorted(ctx(info).loaders.taxonomy().brands.values(), key=lambda b: b.name)


@query.field("brand")
def resolve_brand(
    _: None, info: GraphQLResolveInfo, brandId: str | None = None, slug: str | None = None
) -> Brand | None:
    kind, value = _exactly_one(brandId=brandId, slug=slug)
    taxonomy = ctx(info).loaders.taxonomy()
    if kind == "brandId":
        return taxonomy.brands.get(value)
    return taxonomy.brand_by_slug.get(value)
