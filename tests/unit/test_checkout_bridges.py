"""The conversions of checkout's bridges, value by value (no store)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from shared.bootstrap.bridges_checkout import (
    catalog_item,
    delivery_quote,
    network_units,
    reserve_request,
    shortages,
    sourcing_request,
)
from shared.catalog.model import Money as CatalogMoney
from shared.catalog.model import Product, ProductStatus, Variant
from shared.checkout.model import Address, Money
from shared.checkout.ports import CatalogItem, HoldLine, Shortage
from shared.inventory.model import ItemAvailability, NetworkAvailability, StockStatus
from shared.sourcing.charges import Money as SourcingMoney
from shared.sourcing.model import (
    Explanation,
    Shipment,
    SourcingAnswer,
    SourcingOption,
)

AT = datetime(2026, 3, 3, tzinfo=UTC)


def product(status: ProductStatus = ProductStatus.ACTIVE) -> Product:
    return Product(
        product_id="p1",
        name="Matte Lipstick",
        slug="matte",
        status=status,
        variants=(
            Variant(
                variant_id="v1",
                sku="S1",
                name="Ruby",
                prices=(CatalogMoney(amount=Decimal("24.00"), currency="USD"),),
            ),
        ),
        created_date=AT,
        modified_date=AT,
    )


def test_a_variant_is_priced_in_the_carts_currency() -> None:
    p = product()
    assert catalog_item(p, p.variants[0], "USD") == CatalogItem(
        "S1", "p1", "Matte Lipstick, Ruby", Money(amount=Decimal("24.00"), currency="USD"), True
    )
    assert catalog_item(p, p.variants[0], "EUR").price is None
    draft = product(ProductStatus.DRAFT)
    assert catalog_item(draft, draft.variants[0], "USD").sellable is False


def test_network_units_are_uncapped_and_infinite_is_none() -> None:
    def avail(n: int, infinite: bool = False) -> ItemAvailability:
        return ItemAvailability(
            item_id="x",
            enterprise_code="E",
            network=NetworkAvailability(
                available=n, infinite=infinite, status=StockStatus.IN_STOCK
            ),
            nodes=(),
            version=1,
        )

    assert network_units({"A": avail(500), "B": avail(0, infinite=True)}) == {"A": 500, "B": None}


def test_a_hold_is_a_reservation_pinned_per_node() -> None:
    request = reserve_request("r1", "E", [HoldLine("S1", "DC1", 2)], 900)
    assert request.model_dump(by_alias=True) == {
        "reservationId": "r1",
        "enterpriseCode": "E",
        "lines": ({"itemId": "S1", "quantity": 2, "shipNode": "DC1"},),
        "ttlSeconds": 900,
    }


def test_inventory_shortages_are_summed_per_sku() -> None:
    details = {
        "lines": [
            {"itemId": "S1", "shipNode": "DC1", "requested": 2, "available": 1},
            {"itemId": "S1", "shipNode": "DC2", "requested": 1, "available": 0},
            {"itemId": "S2", "shipNode": None, "requested": 3, "available": 0},
        ]
    }
    assert shortages(details) == (Shortage("S1", 3, 1), Shortage("S2", 3, 0))
    assert shortages(None) == ()


def test_a_cart_goes_to_sourcing_one_line_per_sku() -> None:
    address = Address(name="A", line1="1", city="NYC", state="NY", postal_code="10001")
    subtotal = Money(amount=Decimal("57.98"), currency="USD")
    request = sourcing_request("E", address, [("S1", 2), ("S2", 1)], subtotal)
    assert [(ln.line_id, ln.item_id, ln.quantity) for ln in request.lines] == [
        ("S1", "S1", 2),
        ("S2", "S2", 1),
    ]
    assert (request.destination.postal_code, request.destination.country) == ("10001", "US")
    assert request.subtotal is not None
    assert (request.subtotal.amount, request.subtotal.currency) == (Decimal("57.98"), "USD")


def test_sourcing_options_become_delivery_options_with_their_charge() -> None:
    shipment = Shipment(
        ship_node="DC1",
        line_ids=("S1",),
        quantities={"S1": 2},
        ship_date=date(2026, 3, 3),
        pickup_at=None,
        delivery_date=date(2026, 3, 4),
        distance_miles=30.0,
    )
    answer = SourcingAnswer(
        options=(
            SourcingOption(
                level_of_service="NEXT_DAY",
                carrier_service_code="UPS_NEXT_DAY_AIR",
                delivery_date=date(2026, 3, 4),
                delivery_date_type="GUARANTEED",
                shipments=(shipment,),
                charge=SourcingMoney(amount=Decimal("49.80"), currency="USD"),
            ),
        ),
        unavailable_lines=("S9",),
        explanation=Explanation(
            rule_id="r",
            rule="",
            method="EXACT",
            method_reason="",
            rejected_nodes=(),
            levels_of_service=(),
        ),
    )
    quote = delivery_quote(answer)
    (option,) = quote.options
    assert (option.option_id, option.charge, quote.unavailable_skus) == (
        "NEXT_DAY:UPS_NEXT_DAY_AIR",
        Money(amount=Decimal("49.80"), currency="USD"),
        ("S9",),
    )
    assert [(s.ship_node, s.quantities, s.delivery_date) for s in option.shipments] == [
        ("DC1", {"S1": 2}, date(2026, 3, 4))
    ]
