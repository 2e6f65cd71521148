"""The vocabulary of the demo catalog: its category tree, brands, shades and words.

Changing an entry changes the generated products (and their SKUs' variant counts), so
treat these tables as part of the stable demo-data contract.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """How products of one leaf category look: nouns, variant axis, price band."""

    slug: str
    nouns: tuple[str, ...]
    axis: str  # "shade" or "size"
    price: tuple[int, int]  # dollars
    hazmat: bool = False
    sizes: tuple[str, ...] = ("30 ml", "50 ml", "100 ml")
    grams: int = 60
    """Parcel weight of a shade variant; a size variant weighs its millilitres plus this
    (bottle, carton and padding)."""


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
        Leaf(
            "hair-dryers",
            ("Hair Dryer", "Ionic Dryer"),
            "size",
            (60, 320),
            sizes=("Standard",),
            grams=900,
        ),
        Leaf(
            "flat-irons",
            ("Flat Iron", "Curling Wand"),
            "size",
            (45, 240),
            sizes=("1 inch", "1.5 inch"),
            grams=550,
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
