"""A deterministic beauty catalog of any size.

Product ``n`` depends only on ``n`` and the seed, never on the catalog size, so the
first 2,000 products of a 50,000-product bench catalog are the demo catalog, and other
contexts (inventory seeds stock for ``demo_skus``) can rely on a stable SKU scheme:
product ``prod-000042`` has variants ``SKU-000042-01``, ``SKU-000042-02``...
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shared.catalog.demo.vocabulary import (
    ADJECTIVES,
    BRANDS,
    CLAIMS,
    LEAVES,
    SHADES,
    TREE,
)
from shared.catalog.model import (
    Attribute,
    Brand,
    Category,
    Media,
    MediaType,
    Money,
    Product,
    ProductStatus,
    Variant,
)

DEFAULT_SEED = 20_240_601
MEDIA_BASE = "https://media.example.com"
EPOCH = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
CAD_RATE = Decimal("1.36")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def product_id(n: int) -> str:
    return f"prod-{n:06d}"


def sku_of(n: int, variant: int) -> str:
    return f"SKU-{n:06d}-{variant:02d}"


@dataclass(frozen=True)
class Catalog:
    categories: list[Category]
    brands: list[Brand]
    products: list[Product]


def _when(days: float) -> datetime:
    return EPOCH + timedelta(days=days)


def build_categories() -> list[Category]:
    """The fixed category tree: six departments, their groups and their leaves."""
    out: list[Category] = []
    for d_order, (d_slug, d_name, groups) in enumerate(TREE):
        out.append(
            Category(
                category_id=f"cat-{d_slug}",
                name=d_name,
                slug=d_slug,
                description=f"Shop {d_name.lower()}.",
                sort_order=d_order,
            )
        )
        for g_order, (g_slug, g_name, leaves) in enumerate(groups):
            out.append(
                Category(
                    category_id=f"cat-{g_slug}",
                    name=g_name,
                    slug=g_slug,
                    parent_id=f"cat-{d_slug}",
                    sort_order=g_order,
                )
            )
            for l_order, l_slug in enumerate(leaves):
                out.append(
                    Category(
                        category_id=f"cat-{l_slug}",
                        name=l_slug.replace("-", " ").title(),
                        slug=l_slug,
                        parent_id=f"cat-{g_slug}",
                        sort_order=l_order,
                    )
                )
    return out


def build_brands() -> list[Brand]:
    return [
        Brand(
            brand_id=f"brand-{slugify(name)}",
            name=name,
            slug=slugify(name),
            description=description,
            logo_url=f"{MEDIA_BASE}/brands/{slugify(name)}/logo.svg",
        )
        for name, description in BRANDS
    ]


_LEAF_SLUGS = tuple(LEAVES)


def _money(dollars: Decimal) -> tuple[Money, ...]:
    usd = dollars.quantize(Decimal("0.01"))
    cad = (usd * CAD_RATE).quantize(Decimal("1")) - Decimal("0.01")
    return (Money(amount=usd, currency="USD"), Money(amount=cad, currency="CAD"))


def build_product(n: int, seed: int = DEFAULT_SEED) -> Product:
    """Product number ``n`` (1-based) of the catalog; a pure function of ``(n, seed)``."""
    rng = random.Random(seed * 1_000_003 + n)
    leaf = LEAVES[_LEAF_SLUGS[rng.randrange(len(_LEAF_SLUGS))]]
    brand_name, _ = BRANDS[rng.randrange(len(BRANDS))]
    brand_slug = slugify(brand_name)
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(leaf.nouns)}"
    pid = product_id(n)
    base = Decimal(rng.randint(leaf.price[0], leaf.price[1])) - Decimal("0.01")
    if leaf.axis == "shade":
        count = rng.choice((1, 3, 4, 6, 8, 10, 10, 12))
        shades = rng.sample(SHADES, k=min(count, len(SHADES)))
        variants = [
            Variant(
                variant_id=f"{pid}-v{i:02d}",
                sku=sku_of(n, i),
                name=f"{name} - {shade}",
                attributes=(Attribute(name="shade", value=shade),),
                prices=_money(base),
                media=(
                    Media(
                        type=MediaType.SWATCH,
                        alt_text=f"{shade} swatch",
                        url=f"{MEDIA_BASE}/products/{pid}/swatch-{slugify(shade)}.jpg",
                    ),
                ),
                hazmat=leaf.hazmat,
                shipping_weight_grams=leaf.grams,
            )
            for i, shade in enumerate(shades, start=1)
        ]
    else:
        sizes = leaf.sizes[: rng.randint(1, len(leaf.sizes))]
        variants = [
            Variant(
                variant_id=f"{pid}-v{i:02d}",
                sku=sku_of(n, i),
                name=f"{name} - {size}",
                attributes=(Attribute(name="size", value=size),),
                prices=_money(base * (1 + Decimal("0.6") * (i - 1))),
                hazmat=leaf.hazmat,
                shipping_weight_grams=size_grams(size) + leaf.grams,
            )
            for i, size in enumerate(sizes, start=1)
        ]
    claims = rng.sample(CLAIMS, k=2)
    created = _when(n * 0.37 + rng.random())
    media = tuple(
        Media(
            type=MediaType.IMAGE,
            url=f"{MEDIA_BASE}/products/{pid}/{k}.jpg",
            alt_text=f"{brand_name} {name} image {k}",
            sort_order=k,
        )
        for k in range(1, rng.randint(2, 4) + 1)
    )
    return Product(
        product_id=pid,
        name=name,
        slug=f"{slugify(brand_name)}-{slugify(name)}-{n}",
        description=f"{brand_name} {name.lower()}: {claims[0]} and {claims[1]}.",
        status=ProductStatus.ACTIVE,
        brand_id=f"brand-{brand_slug}",
        category_ids=(f"cat-{leaf.slug}",),
        attributes=(
            Attribute(name="claims", value=", ".join(claims)),
            Attribute(name="variantAxis", value=leaf.axis),
        ),
        variants=tuple(variants),
        media=media,
        created_date=created,
        modified_date=created,
        version=1,
    )


def iter_products(count: int, seed: int = DEFAULT_SEED, start: int = 1) -> Iterator[Product]:
    for n in range(start, start + count):
        yield build_product(n, seed)


def build_catalog(
    count: int,
    seed: int = DEFAULT_SEED,
    track: Callable[[Iterable[int], str, int], Iterable[int]] | None = None,
) -> Catalog:
    """The whole catalog; ``track`` wraps the product loop (a progress bar)."""
    numbers: Iterable[int] = range(1, count + 1)
    if track is not None:
        numbers = track(numbers, f"generate {count} products", count)
    return Catalog(
        categories=build_categories(),
        brands=build_brands(),
        products=[build_product(n, seed) for n in numbers],
    )


def demo_skus(count: int = 2000, seed: int = DEFAULT_SEED) -> list[str]:
    """Every SKU of the first ``count`` products, in product then variant order."""
    return [sku for p in iter_products(count, seed) for sku in p.skus]


def size_grams(size: str) -> int:
    """``"50 ml"`` weighs about 50 g; ``"1.7 oz"`` about 48 g; anything else 100 g."""
    amount, _, unit = size.partition(" ")
    try:
        value = float(amount)
    except ValueError:
        return 100
    return round(value * 28.35) if unit in ("oz", "fl oz") else round(value)


def hazmat_skus(count: int = 2000, seed: int = DEFAULT_SEED) -> list[str]:
    return [v.sku for p in iter_products(count, seed) for v in p.variants if v.hazmat]
