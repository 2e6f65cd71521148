"""Checkout's pure rules and views, value by value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.checkout.model import (
    CartLine,
    DeliveryOption,
    Money,
    Shipment,
    Shopper,
    ShopperKind,
    WarningCode,
)
from shared.checkout.ports import CatalogItem, HoldLine
from shared.checkout.rules import (
    add,
    covers,
    derived_id,
    event_id,
    extended_until,
    fingerprint,
    hold_lines,
    line_warnings,
    merged,
    money,
    option_id,
    order_number,
    owner_of,
    remember,
    repriced,
    totals,
    with_added,
)
from shared.checkout.stored import (
    CART,
    CART_PARTITION,
    ORDER,
    ORDER_PARTITION,
    AppliedKey,
)

AT = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def line(sku: str, quantity: int, price: str = "10.00") -> CartLine:
    return CartLine(sku=sku, product_id="p", name=sku, quantity=quantity, unit_price=usd(price))


def item(sku: str, price: str | None = "10.00", sellable: bool = True) -> CatalogItem:
    return CatalogItem(sku, "p", sku, usd(price) if price else None, sellable)


@pytest.mark.parametrize(
    ("path", "field"),
    [(CART_PARTITION, CART.cart_id), (ORDER_PARTITION, ORDER.order_id)],
    ids=["carts", "orders"],
)
def test_partition_keys_are_the_fields_aliases(path: str, field: str) -> None:
    assert path == "/" + field


def test_money_is_decimal_cents_and_never_mixes_currencies() -> None:
    assert money("0.1", "USD").model_dump(mode="json") == {"amount": "0.10", "currency": "USD"}
    assert money(Decimal("2.675"), "USD").amount == Decimal("2.68")
    assert add(usd("0.10"), usd("0.20"), currency="USD") == usd("0.30")
    with pytest.raises(ValueError, match="cannot add amounts"):
        add(usd("1.00"), Money(amount=Decimal(1), currency="EUR"), currency="USD")


def test_totals_sum_lines_and_the_delivery_charge() -> None:
    sums = totals([line("A", 3, "19.99"), line("B", 1, "0.01")], usd("4.95"), "USD")
    assert (sums.subtotal, sums.delivery, sums.total) == (usd("59.98"), usd("4.95"), usd("64.93"))
    assert totals([], None, "USD").total == usd("0.00")


def test_a_visitor_id_is_kept_only_as_a_digest() -> None:
    visitor = owner_of(Shopper(kind=ShopperKind.VISITOR, id="visitor-0123456789abcdefghij"))
    assert (visitor.kind, len(visitor.id), "visitor-" in visitor.id) == (
        ShopperKind.VISITOR,
        32,
        False,
    )
    assert owner_of(Shopper(kind=ShopperKind.CUSTOMER, id="alice")).id == "alice"


def test_fingerprints_tell_a_retry_from_a_reused_key() -> None:
    assert fingerprint("add", "c1", {"sku": "A"}) == fingerprint("add", "c1", {"sku": "A"})
    assert fingerprint("add", "c1", {"sku": "A"}) != fingerprint("add", "c1", {"sku": "B"})
    assert fingerprint("add", "c1") != fingerprint("set", "c1")
    assert derived_id("a", "b") == derived_id("a", "b") != derived_id("a", "c")
    assert len(derived_id("x")) == 32


def test_remember_keeps_the_last_fifty_keys_once_each() -> None:
    keys: tuple[AppliedKey, ...] = ()
    for n in range(60):
        keys = remember(keys, f"k{n}", "f")
    keys = remember(keys, "k30", "g")
    assert (len(keys), keys[0].key, keys[-1]) == (50, "k10", AppliedKey(key="k30", fingerprint="g"))
    assert [k.key for k in keys].count("k30") == 1


def test_adding_a_sku_again_adds_to_its_line_at_the_price_now() -> None:
    lines = with_added([line("A", 1, "10.00")], item("A", "12.00"), 2)
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in lines] == [("A", 3, usd("12.00"))]


@pytest.mark.parametrize(
    ("mine", "theirs", "available", "expected"),
    [
        ([("A", 1)], [("A", 2)], {"A": 10}, [("A", 3)]),
        ([("A", 3)], [("A", 5)], {"A": 4}, [("A", 4)]),
        ([("A", 5)], [("A", 5)], {"A": 2}, [("A", 5)]),
        ([], [("B", 5)], {"B": 2}, [("B", 2)]),
        ([], [("B", 2)], {"B": 0}, [("B", 2)]),
        ([("A", 1)], [("B", 1)], {"B": None}, [("A", 1), ("B", 1)]),
        ([("A", 990)], [("A", 20)], {"A": None}, [("A", 999)]),
    ],
    ids=[
        "summed",
        "capped",
        "never-below-mine",
        "new-capped",
        "nothing-left",
        "unlimited",
        "limit",
    ],
)
def test_merge_sums_and_caps(
    mine: list[tuple[str, int]],
    theirs: list[tuple[str, int]],
    available: dict[str, int | None],
    expected: list[tuple[str, int]],
) -> None:
    result = merged([line(*m) for m in mine], [line(*t) for t in theirs], available)
    assert [(ln.sku, ln.quantity) for ln in result] == expected


def test_repricing_moves_only_the_lines_whose_price_moved() -> None:
    lines, changes = repriced(
        [line("A", 1, "10.00"), line("B", 1, "5.00"), line("C", 1, "1.00")],
        {"A": item("A", "11.00"), "B": item("B", "5.00"), "C": item("C", "2.00", sellable=False)},
    )
    assert [(ln.sku, ln.unit_price, ln.price_was) for ln in lines] == [
        ("A", usd("11.00"), usd("10.00")),
        ("B", usd("5.00"), None),
        ("C", usd("1.00"), None),
    ]
    assert changes == (("A", usd("10.00"), usd("11.00")),)


@pytest.mark.parametrize(
    ("catalog", "available", "held", "codes"),
    [
        (item("A", "10.00"), 5, False, []),
        (item("A", "9.00"), 5, False, [WarningCode.PRICE_CHANGED]),
        (None, 5, False, [WarningCode.UNAVAILABLE]),
        (item("A", None), 5, False, [WarningCode.UNAVAILABLE]),
        (item("A", "10.00", sellable=False), 5, False, [WarningCode.UNAVAILABLE]),
        (item("A", "10.00"), 0, False, [WarningCode.OUT_OF_STOCK]),
        (item("A", "10.00"), 1, False, [WarningCode.NOT_ENOUGH_STOCK]),
        (item("A", "10.00"), 0, True, []),
        (item("A", "10.00"), None, False, []),
        (item("A", "9.00"), 0, False, [WarningCode.PRICE_CHANGED, WarningCode.OUT_OF_STOCK]),
    ],
    ids=[
        "fine",
        "price-moved",
        "gone",
        "no-price",
        "discontinued",
        "out",
        "short",
        "held",
        "unlimited",
        "both",
    ],
)
def test_line_warnings(
    catalog: CatalogItem | None, available: int | None, held: bool, codes: list[WarningCode]
) -> None:
    found = line_warnings(line("A", 2), catalog, available, held=held)
    assert [w.code for w in found] == codes


def test_an_updated_price_is_shown_once_it_is_the_lines() -> None:
    updated = line("A", 1, "11.00").model_copy(update={"price_was": usd("10.00")})
    (warning,) = line_warnings(updated, item("A", "11.00"), 5, held=False)
    assert (warning.code, warning.was, warning.now) == (
        WarningCode.PRICE_UPDATED,
        usd("10.00"),
        usd("11.00"),
    )


@pytest.mark.parametrize(
    ("now", "expires", "expected"),
    [
        (0, 900, None),
        (449, 900, None),
        (450, 900, 1350),
        (800, 900, 1700),
        (3000, 3200, 3600),
        (3300, 3600, None),
        (901, 900, None),
    ],
    ids=["fresh", "more-than-half-left", "half-left", "nearly-out", "capped", "at-cap", "expired"],
)
def test_a_hold_is_extended_once_half_is_left_up_to_its_longest(
    now: float, expires: float, expected: float | None
) -> None:
    assert extended_until(now, 0, expires, hold_seconds=900, max_seconds=3600) == expected


def _option(*shipments: tuple[str, dict[str, int]]) -> DeliveryOption:
    return DeliveryOption(
        option_id=option_id("STANDARD", None),
        level_of_service="STANDARD",
        carrier_service_code=None,
        delivery_date=date(2026, 3, 5),
        delivery_date_type="ESTIMATED",
        charge=usd("0.00"),
        shipments=tuple(
            Shipment(
                ship_node=n,
                quantities=q,
                ship_date=date(2026, 3, 3),
                delivery_date=date(2026, 3, 5),
            )
            for n, q in shipments
        ),
    )


def test_a_hold_pins_each_unit_to_its_shipments_node() -> None:
    option = _option(("DC1", {"A": 2, "B": 1}), ("DC2", {"A": 1}))
    assert option.option_id == "STANDARD:-"
    assert hold_lines(option) == (
        HoldLine("A", "DC1", 2),
        HoldLine("B", "DC1", 1),
        HoldLine("A", "DC2", 1),
    )
    assert covers(option, [line("A", 3), line("B", 1)])
    assert not covers(option, [line("A", 3), line("B", 2)])


def test_order_numbers_and_event_ids_are_stable() -> None:
    assert order_number("o1", AT) == order_number("o1", AT)
    assert order_number("o1", AT).startswith("20260303-")
    assert order_number("o1", AT) != order_number("o2", AT)
    assert event_id("OrderPlaced", "o1") == event_id("OrderPlaced", "o1")
    assert event_id("OrderPlaced", "o1") != event_id("OrderCancelled", "o1")
