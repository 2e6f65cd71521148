"""CatalogSource over commercetools product projections, categories and custom objects.

Maps commercetools JSON to the catalog model. Conventions of the project's product
types: attributes ``brand`` (the brand key), ``hazmat`` (boolean), ``shippingWeight``
(grams), ``shade`` and ``size``; brands are custom objects in the ``brands`` container.
Only published
(current) projections are read: the storefront never sees staged data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from shared.catalog.model import (
    Attribute,
    Brand,
    Category,
    Media,
    Money,
    Product,
    ProductSearch,
    ProductSort,
    ProductStatus,
    SearchPage,
    Variant,
)
from shared.errors import NotFound

BRANDS_CONTAINER = "brands"
PAGE_LIMIT = 500
VARIANT_KEYS = ("shade", "size")


class CommercetoolsApi(Protocol):
    project_key: str

    def get(self, path: str, params: Sequence[tuple[str, str | int]] = ()) -> dict[str, Any]: ...

    def check(self) -> str: ...


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(json.dumps(v) for v in values)


class CommercetoolsSource:
    def __init__(self, api: CommercetoolsApi, *, locale: str = "en-US") -> None:
        self.api = api
        self.locale = locale

    def check(self) -> str:
        return self.api.check()

    def _text(self, value: Any) -> str:
        if isinstance(value, dict):
            return str(value.get(self.locale) or next(iter(value.values()), ""))
        return "" if value is None else str(value)

    # --- products --------------------------------------------------------------------
    def get_products(self, product_ids: Sequence[str]) -> list[Product]:
        if not product_ids:
            return []
        body = self.api.get(
            "product-projections",
            [
                ("where", f"id in ({_quoted(list(product_ids))})"),
                ("limit", len(product_ids)),
            ],
        )
        by_id = {p["id"]: self.to_product(p) for p in body.get("results", [])}
        return [by_id[p] for p in product_ids if p in by_id]

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None:
        if slug is not None:
            where = f"slug({self.locale}={json.dumps(slug)})"
        elif sku is not None:
            s = json.dumps(sku)
            where = f"masterVariant(sku={s}) or variants(sku={s})"
        else:
            return None
        body = self.api.get("product-projections", [("where", where), ("limit", 1)])
        results = body.get("results", [])
        return str(results[0]["id"]) if results else None

    def search_products(self, search: ProductSearch, *, offset: int, limit: int) -> SearchPage:
        params = [*self._search_params(search), ("offset", offset), ("limit", limit)]
        params.append(("withTotal", "false"))
        body = self.api.get("product-projections/search", params)
        return SearchPage(product_ids=tuple(p["id"] for p in body.get("results", [])))

    def count_products(self, search: ProductSearch) -> int:
        params = [*self._search_params(search), ("limit", 0), ("withTotal", "true")]
        return int(self.api.get("product-projections/search", params).get("total", 0))

    def _search_params(self, search: ProductSearch) -> list[tuple[str, str | int]]:
        params: list[tuple[str, str | int]] = [("markMatchingVariants", "false")]
        if search.category_id:
            params.append(("filter.query", f'categories.id: subtree("{search.category_id}")'))
        if search.brand_ids:
            keys = [b.removeprefix("brand-") for b in search.brand_ids]
            params.append(("filter.query", f"variants.attributes.brand: {_quoted(keys)}"))
        if search.min_price is not None or search.max_price is not None:
            low = "*" if search.min_price is None else int(search.min_price * 100)
            high = "*" if search.max_price is None else int(search.max_price * 100)
            params.append(("filter.query", f"variants.price.centAmount: range({low} to {high})"))
            params.append(("priceCurrency", search.currency))
        if search.text:
            params.append((f"text.{self.locale}", search.text))
        sort = {
            ProductSort.NAME_ASC: f"name.{self.locale} asc",
            ProductSort.NAME_DESC: f"name.{self.locale} desc",
            ProductSort.PRICE_ASC: "price asc",
            ProductSort.PRICE_DESC: "price desc",
            ProductSort.NEWEST: "createdAt desc",
            ProductSort.RELEVANCE: "score desc" if search.text else "id asc",
        }[search.sort]
        params.append(("sort", sort))
        params.append(("sort", "id asc"))
        return params

    def to_product(self, p: dict[str, Any]) -> Product:
        variants = [p["masterVariant"], *p.get("variants", [])]
        attrs = {a["name"]: a.get("value") for a in p["masterVariant"].get("attributes", [])}
        brand_key = self._text(_enum_key(attrs.get("brand")))
        return Product(
            product_id=p["id"],
            name=self._text(p.get("name")),
            slug=self._text(p.get("slug")),
            description=self._text(p.get("description")),
            status=ProductStatus.ACTIVE if p.get("published", True) else ProductStatus.DRAFT,
            brand_id=f"brand-{brand_key}" if brand_key else None,
            category_ids=tuple(c["id"] for c in p.get("categories", [])),
            variants=tuple(self._variant(p["id"], v) for v in variants if v.get("sku")),
            media=tuple(self._media(variants[0])),
            created_date=datetime.fromisoformat(p["createdAt"]),
            modified_date=datetime.fromisoformat(p["lastModifiedAt"]),
            version=int(p["version"]),
        )

    def _variant(self, product_id: str, v: dict[str, Any]) -> Variant:
        attrs = {a["name"]: a.get("value") for a in v.get("attributes", [])}
        prices: dict[str, Money] = {}
        for price in v.get("prices", []):
            value = price["value"]
            digits = int(value.get("fractionDigits", 2))
            currency = str(value["currencyCode"])
            prices.setdefault(
                currency,
                Money(amount=Decimal(value["centAmount"]).scaleb(-digits), currency=currency),
            )
        return Variant(
            variant_id=f"{product_id}-v{v['id']}",
            sku=str(v["sku"]),
            name=self._text(attrs.get("variantName")) or str(v["sku"]),
            attributes=tuple(
                Attribute(name=k, value=self._text(_enum_label(attrs[k])))
                for k in VARIANT_KEYS
                if attrs.get(k) is not None
            ),
            prices=tuple(prices.values()),
            media=tuple(self._media(v)),
            hazmat=bool(attrs.get("hazmat", False)),
            shipping_weight_grams=_grams(attrs.get("shippingWeight")),
        )

    def _media(self, v: dict[str, Any]) -> list[Media]:
        return [
            Media(url=str(img["url"]), alt_text=str(img.get("label") or ""), sort_order=i)
            for i, img in enumerate(v.get("images", []), start=1)
        ]

    # --- taxonomy --------------------------------------------------------------------
    def list_categories(self) -> list[Category]:
        body = self.api.get(
            "categories", [("limit", PAGE_LIMIT), ("sort", "orderHint asc"), ("sort", "id asc")]
        )
        return [
            Category(
                category_id=c["id"],
                name=self._text(c.get("name")),
                slug=self._text(c.get("slug")),
                description=self._text(c.get("description")),
                parent_id=(c.get("parent") or {}).get("id"),
                sort_order=i,
                version=int(c.get("version", 1)),
            )
            for i, c in enumerate(body.get("results", []))
        ]

    def list_brands(self) -> list[Brand]:
        try:
            body = self.api.get(f"custom-objects/{BRANDS_CONTAINER}", [("limit", PAGE_LIMIT)])
        except NotFound:
            return []
        brands = []
        for obj in body.get("results", []):
            value = obj.get("value") or {}
            brands.append(
                Brand(
                    brand_id=f"brand-{obj['key']}",
                    name=str(value.get("name") or obj["key"]),
                    slug=str(obj["key"]),
                    description=str(value.get("description") or ""),
                    logo_url=value.get("logoUrl"),
                    version=int(obj.get("version", 1)),
                )
            )
        return brands


def _enum_key(value: Any) -> Any:
    return value.get("key") if isinstance(value, dict) and "key" in value else value


def _enum_label(value: Any) -> Any:
    return value.get("label") if isinstance(value, dict) and "label" in value else value


def _grams(value: Any) -> int | None:
    """The ``shippingWeight`` attribute (grams, a number); anything else is no weight."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return round(value)
    return None
