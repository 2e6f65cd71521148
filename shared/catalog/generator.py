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
class Leaf:
    """How products of one leaf category look: nouns, variant axis, price band."""

    slug: str
    nouns: tuple[str, ...]
    axis: str  # "shade" or "size"
    price: tuple[int, int]  # dollars
    hazmat: bool = False
    sizes: tuple[str, ...] = ("30 ml", "50 ml", "100 ml")


# (slug, name, children) — the tree a storefront navigates; leaves are in LEAVES.
TREE: tuple[tuple[str, str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    (
        "makeup",
        "Makeup",
        (
            ("face", "Face", ("foundation", "concealer", "powder", "blush", "highlighter")),
            ("eyes", "Eyes", ("mascara", "eyeliner", "eyeshadow", "brows")),
            ("lips", "Lips", ("lipstick", "lip-gloss", "lip-liner")),
            ("nails", "Nails", ("nail-polish", "nail-care")),
        ),
    ),
    (
        "skincare",
        "Skincare",
        (
            ("cleansers", "Cleansers", ("face-wash", "micellar-water")),
            ("treatments", "Treatments", ("serums", "face-masks", "eye-cream")),
            ("moisturizers", "Moisturizers", ("day-cream", "night-cream", "sunscreen")),
        ),
    ),
    (
        "fragrance",
        "Fragrance",
        (
            ("womens-fragrance", "Women's Fragrance", ("eau-de-parfum", "body-mist")),
            ("mens-fragrance", "Men's Fragrance", ("cologne", "aftershave")),
        ),
    ),
    (
        "hair",
        "Hair",
        (
            ("hair-care", "Hair Care", ("shampoo", "conditioner", "hair-masks")),
            ("styling", "Styling", ("hairspray", "dry-shampoo", "styling-cream")),
        ),
    ),
    (
        "tools",
        "Tools & Brushes",
        (
            ("brushes", "Brushes & Sponges", ("face-brushes", "sponges")),
            ("hair-tools", "Hair Tools", ("hair-dryers", "flat-irons")),
        ),
    ),
    (
        "bath-body",
        "Bath & Body",
        (
            ("body-care", "Body Care", ("body-wash", "body-lotion", "deodorant")),
            ("bath", "Bath", ("bath-bombs", "bath-salts")),
        ),
    ),
)

ML = ("50 ml", "100 ml", "200 ml")
LEAVES: dict[str, Leaf] = {
    leaf.slug: leaf
    for leaf in (
        Leaf("foundation", ("Foundation", "Skin Tint", "Fluid Foundation"), "shade", (18, 58)),
        Leaf("concealer", ("Concealer", "Corrector"), "shade", (12, 34)),
        Leaf("powder", ("Setting Powder", "Pressed Powder"), "shade", (14, 42)),
        Leaf("blush", ("Blush", "Cheek Tint"), "shade", (12, 38)),
        Leaf("highlighter", ("Highlighter", "Glow Drops"), "shade", (16, 40)),
        Leaf("mascara", ("Mascara", "Lash Primer"), "shade", (9, 29)),
        Leaf("eyeliner", ("Eyeliner", "Kohl Pencil", "Liquid Liner"), "shade", (8, 26)),
        Leaf("eyeshadow", ("Eyeshadow Palette", "Cream Shadow"), "shade", (12, 62)),
        Leaf("brows", ("Brow Gel", "Brow Pencil"), "shade", (10, 28)),
        Leaf("lipstick", ("Lipstick", "Matte Lipstick", "Lip Balm"), "shade", (9, 42)),
        Leaf("lip-gloss", ("Lip Gloss", "Lip Oil"), "shade", (8, 30)),
        Leaf("lip-liner", ("Lip Liner",), "shade", (7, 24)),
        Leaf("nail-polish", ("Nail Polish", "Gel Lacquer"), "shade", (7, 22), hazmat=True),
        Leaf("nail-care", ("Cuticle Oil", "Base Coat"), "size", (6, 20), sizes=("10 ml", "15 ml")),
        Leaf("face-wash", ("Foaming Cleanser", "Cleansing Balm"), "size", (10, 38)),
        Leaf("micellar-water", ("Micellar Water",), "size", (8, 24), sizes=ML),
        Leaf("serums", ("Serum", "Vitamin C Serum", "Retinol Serum"), "size", (18, 95)),
        Leaf("face-masks", ("Clay Mask", "Sheet Mask", "Overnight Mask"), "size", (8, 52)),
        Leaf("eye-cream", ("Eye Cream", "Eye Gel"), "size", (18, 72), sizes=("15 ml", "30 ml")),
        Leaf("day-cream", ("Moisturizer", "Gel Cream"), "size", (14, 78)),
        Leaf("night-cream", ("Night Cream", "Sleeping Cream"), "size", (18, 88)),
        Leaf("sunscreen", ("Sunscreen SPF 50", "Mineral SPF 30"), "size", (12, 42)),
        Leaf("eau-de-parfum", ("Eau de Parfum", "Parfum"), "size", (45, 180), hazmat=True),
        Leaf(
            "body-mist",
            ("Body Mist", "Hair & Body Mist"),
            "size",
            (14, 38),
            hazmat=True,
            sizes=("75 ml", "236 ml"),
        ),
        Leaf("cologne", ("Eau de Toilette", "Cologne"), "size", (40, 150), hazmat=True),
        Leaf("aftershave", ("Aftershave Balm",), "size", (22, 60), sizes=("75 ml", "100 ml")),
        Leaf("shampoo", ("Shampoo", "Clarifying Shampoo"), "size", (8, 42), sizes=ML),
        Leaf("conditioner", ("Conditioner", "Leave-In Conditioner"), "size", (8, 42), sizes=ML),
        Leaf("hair-masks", ("Hair Mask", "Bond Repair Treatment"), "size", (14, 58)),
        Leaf(
            "hairspray",
            ("Hairspray", "Texture Spray"),
            "size",
            (9, 34),
            hazmat=True,
            sizes=("75 ml", "250 ml"),
        ),
        Leaf(
            "dry-shampoo", ("Dry Shampoo",), "size", (8, 30), hazmat=True, sizes=("75 ml", "200 ml")
        ),
        Leaf("styling-cream", ("Curl Cream", "Styling Cream"), "size", (10, 36), sizes=ML),
        Leaf(
            "face-brushes",
            ("Foundation Brush", "Powder Brush", "Brush Set"),
            "size",
            (12, 85),
            sizes=("Single", "Set of 5"),
        ),
        Leaf("sponges", ("Blending Sponge",), "size", (6, 22), sizes=("Single", "Duo")),
        Leaf("hair-dryers", ("Hair Dryer", "Ionic Dryer"), "size", (60, 320), sizes=("Standard",)),
        Leaf(
            "flat-irons",
            ("Flat Iron", "Curling Wand"),
            "size",
            (45, 240),
            sizes=("1 inch", "1.5 inch"),
        ),
        Leaf("body-wash", ("Body Wash", "Shower Gel"), "size", (7, 32), sizes=ML),
        Leaf("body-lotion", ("Body Lotion", "Body Butter"), "size", (8, 44), sizes=ML),
        Leaf(
            "deodorant",
            ("Deodorant Spray", "Antiperspirant Spray"),
            "size",
            (6, 18),
            hazmat=True,
            sizes=("100 ml", "150 ml"),
        ),
        Leaf("bath-bombs", ("Bath Bomb",), "size", (5, 14), sizes=("Single", "Set of 3")),
        Leaf("bath-salts", ("Bath Salts", "Soak"), "size", (9, 32), sizes=("250 g", "500 g")),
    )
}

BRANDS: tuple[tuple[str, str], ...] = (
    ("Aurelle", "Parisian colour with a modern edge."),
    ("Bloomwell", "Clean skincare from botanical actives."),
    ("Cirrus Beauty", "Weightless formulas for every day."),
    ("Dune & Dew", "Desert botanicals, deep hydration."),
    ("Everlume", "Luminous skin, long-wear colour."),
    ("Fable Cosmetics", "Playful colour, serious pigment."),
    ("Glasshouse Lab", "Dermatologist-developed actives."),
    ("Halcyon", "Calm skincare for sensitive skin."),
    ("Iris & Ink", "Bold eyes and brows."),
    ("Juniper Row", "Fragrances from small-batch distillers."),
    ("Kiln Studio", "Professional tools for artists."),
    ("Lumen Theory", "Science-led glow."),
    ("Maison Verre", "Fine fragrance, French-made."),
    ("Northbloom", "Nordic skincare for cold climates."),
    ("Opaline", "Pearl-finish colour."),
    ("Petal & Pestle", "Apothecary bath and body."),
    ("Quill Hair", "Salon hair care at home."),
    ("Rosebay", "Rose-infused everything."),
    ("Solstice Sun", "Sun care that feels like skincare."),
    ("Tidewater", "Mineral-rich bath rituals."),
    ("Umber & Co", "Inclusive shade ranges."),
    ("Velvetine", "Soft-matte lips and cheeks."),
    ("Wildmint", "Fresh, vegan, cruelty-free."),
    ("Zephyr Pro", "Salon-grade hot tools."),
)

SHADES: tuple[str, ...] = (
    "Porcelain",
    "Ivory",
    "Fair",
    "Light",
    "Sand",
    "Beige",
    "Honey",
    "Golden",
    "Caramel",
    "Tan",
    "Amber",
    "Chestnut",
    "Mocha",
    "Espresso",
    "Ebony",
    "Rose",
    "Coral",
    "Berry",
    "Plum",
    "Nude",
    "Mauve",
    "Ruby",
    "Brick",
    "Fuchsia",
    "Taupe",
    "Bronze",
    "Onyx",
)
ADJECTIVES: tuple[str, ...] = (
    "Silk",
    "Velvet",
    "Luminous",
    "Hydra",
    "Soft Focus",
    "Ultra",
    "Cloud",
    "Radiant",
    "Bare",
    "Glow",
    "Pure",
    "Daily",
    "Intense",
    "Calming",
    "Renew",
    "Airy",
    "Satin",
    "Barrier",
    "Dewy",
    "Weightless",
    "Signature",
    "Midnight",
    "Golden Hour",
    "Fresh",
)
CLAIMS: tuple[str, ...] = (
    "long-wearing",
    "fragrance-free",
    "vegan",
    "cruelty-free",
    "dermatologist-tested",
    "non-comedogenic",
    "buildable",
    "transfer-resistant",
    "lightweight",
    "refillable",
)


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


def hazmat_skus(count: int = 2000, seed: int = DEFAULT_SEED) -> list[str]:
    return [v.sku for p in iter_products(count, seed) for v in p.variants if v.hazmat]
