"""A cart line is hazmat when the client says so or the catalog does: through the
sourcing trigger on embedded adapters, with the demo catalog, stock and carriers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.bootstrap.services import build_catalog
from shared.catalog.demo.generator import demo_skus, hazmat_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.confighub.model import Actor, ConfigDraft, ValType
from shared.errors import Unavailable
from shared.inventory.model import NodeType
from shared.sourcing.demo import seed_sourcing
from tests.functions.catalog_helpers import gql
from tests.functions.test_sourcing_http import Notes, add_node, cart, options

PRODUCTS = 40
FRAGRANCE = hazmat_skus(PRODUCTS)[0]
PLAIN = next(s for s in demo_skus(PRODUCTS) if s not in set(hazmat_skus(PRODUCTS)))
AIR_REFUSED = [
    ("TWO_DAY", "UPS_2ND_DAY_AIR"),
    ("NEXT_DAY", "UPS_NEXT_DAY_AIR"),
]


@pytest.fixture
def shop(registry: Registry) -> Registry:
    registry.override(clock=ManualClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC)))
    seed_catalog_products(registry.catalog(), PRODUCTS)
    seed_sourcing(registry, Notes())
    stock = {FRAGRANCE: 5, PLAIN: 5}
    add_node(registry, "DC_NJ", NodeType.DC, 40.52, -74.41, "America/New_York", stock)
    return registry


def line(sku: str, **changes: Any) -> dict[str, Any]:
    return {"lineId": "1", "itemId": sku, "quantity": 1, **changes}


def offered(body: dict[str, Any]) -> list[str]:
    return [o["levelOfService"] for o in body["options"]]


def refusals(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (o["levelOfService"], o["carrierServiceCode"], o["reason"])
        for o in body["explanation"]["levelsOfService"]
        if not o["offered"]
    ]


def test_a_fragrance_without_the_flag_gets_no_air_and_the_answer_says_why(shop: Registry) -> None:
    resp = options(cart(line(FRAGRANCE)))
    assert resp.status == 200
    assert offered(resp.json) == ["STANDARD"]
    assert refusals(resp.json) == [
        (level, code, f"hazmat line(s) 1 (hazmat in the catalog); {code} carries no hazmat")
        for level, code in AIR_REFUSED
    ]


@pytest.mark.parametrize(
    ("sku", "flag", "levels", "air"),
    [
        (FRAGRANCE, True, ["STANDARD"], "hazmat line(s)"),
        (PLAIN, True, ["STANDARD"], "hazmat line(s)"),
        (PLAIN, False, ["STANDARD"], "dominated by STANDARD"),
        ("NOT_IN_CATALOG", False, [], "no eligible node"),
    ],
    ids=["fragrance-flagged", "client-flags-a-plain-sku", "plain-sku", "unknown-sku"],
)
def test_the_client_flag_or_the_catalog_makes_a_line_hazmat(
    shop: Registry, sku: str, flag: bool, levels: list[str], air: str
) -> None:
    """From New Jersey to New York ground arrives as soon as air does, so a plain line's
    air options are dominated, never refused for hazmat."""
    resp = options(cart(line(sku, hazmat=flag)))
    assert (resp.status, offered(resp.json)) == (200, levels)
    reasons = [r[2] for r in refusals(resp.json)]
    assert len(reasons) == 3 - len(levels)
    assert all(reason.startswith(air) for reason in reasons), reasons


class CatalogDown:
    """The CatalogSource port of a catalog that cannot be reached."""

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None:
        raise Unavailable("commercetools is unreachable", code="CATALOG_UNAVAILABLE")

    def get_products(self, product_ids: Sequence[str]) -> list[Any]:
        raise Unavailable("commercetools is unreachable", code="CATALOG_UNAVAILABLE")


def test_without_the_catalog_every_line_ships_as_hazmat(
    shop: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    """Not knowing is not a reason to put a fragrance on a plane: the cart still gets
    ground, and the answer says why air is missing."""
    shop.override(catalog_source=CatalogDown())
    shop.override(catalog=build_catalog(shop))
    resp = options(cart(line(PLAIN)))
    assert (resp.status, offered(resp.json)) == (200, ["STANDARD"])
    note = "1 (catalog unavailable, treated as hazmat)"
    assert refusals(resp.json) == [
        (level, code, f"hazmat line(s) {note}; {code} carries no hazmat")
        for level, code in AIR_REFUSED
    ]
    assert (
        "item lookup failed, every line treated as hazmat: commercetools is unreachable"
        in caplog.messages
    )


DELIVERY = """query($sku: String!) { product(sku: $sku) { variants { sku
  deliveryOptions(postalCode: "10001") { levelOfService } } } }"""


def test_the_catalogs_delivery_options_use_the_variants_own_flag(shop: Registry) -> None:
    result = gql(DELIVERY, {"sku": FRAGRANCE})
    assert "errors" not in result, result.get("errors")
    [variant] = [v for v in result["data"]["product"]["variants"] if v["sku"] == FRAGRANCE]
    assert [o["levelOfService"] for o in variant["deliveryOptions"]] == ["STANDARD"]


CHARGES = """query($sku: String!, $n: Int) { product(sku: $sku) { variants { sku
  deliveryOptions(postalCode: "10001", quantity: $n) {
    levelOfService deliveryDate charge { amount currency } freeShipping } } } }"""


def test_the_catalogs_delivery_options_carry_charges_and_free_shipping(shop: Registry) -> None:
    """The variant's own weight (60 g) and price (28.99) travel with the query: one unit
    ships for the zone-2 one-pound ground price; two reach the 35.00 threshold an
    operator set in ConfigHub, and ship free."""
    shop.confighub().create_config(
        ConfigDraft(
            application="sourcing",
            prop="sourcing.free-shipping.STANDARD",
            val="35.00",
            val_type=ValType.DECIMAL,
        ),
        Actor(subject="ops"),
    )

    def standard(n: int) -> dict[str, Any]:
        result = gql(CHARGES, {"sku": PLAIN, "n": n})
        assert "errors" not in result, result.get("errors")
        [variant] = [v for v in result["data"]["product"]["variants"] if v["sku"] == PLAIN]
        return dict(variant["deliveryOptions"][0])

    assert standard(1) == {
        "levelOfService": "STANDARD",
        "deliveryDate": "2026-03-04",
        "charge": {"amount": "10.20", "currency": "USD"},
        "freeShipping": False,
    }
    assert standard(2) == {
        "levelOfService": "STANDARD",
        "deliveryDate": "2026-03-04",
        "charge": {"amount": "0.00", "currency": "USD"},
        "freeShipping": True,
    }
