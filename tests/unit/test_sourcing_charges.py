"""Shipping charges on the demo carrier services: rate tables by zone and weight, free
shipping from a threshold per level of service, and options another one dominates.

The order is placed on Tuesday 3 March 2026 at 10:00 in New York, to ZIP 10001.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shared.sourcing.charges import (
    Money,
    Offer,
    RatePrice,
    RateTable,
    RateZone,
    billable_pounds,
    dominated,
    parcel_charge,
)
from shared.sourcing.demo import demo_carrier_services
from shared.sourcing.geo import locate
from shared.sourcing.options import Pricing
from shared.sourcing.planner import plan_options
from tests.unit.test_sourcing_planner import (
    LINE_A,
    ORDER_AT,
    network,
    request,
    rule,
)

TABLE = RateTable(
    zones=(RateZone(zone="2", up_to_miles=150), RateZone(zone="5", up_to_miles=1000)),
    prices=(
        RatePrice(zone="2", up_to_pounds=1, amount=Decimal("9.00")),
        RatePrice(zone="2", up_to_pounds=5, amount=Decimal("12.00")),
        RatePrice(zone="5", up_to_pounds=1, amount=Decimal("14.00")),
        RatePrice(zone="5", up_to_pounds=5, amount=Decimal("20.00")),
    ),
)


@pytest.mark.parametrize(
    ("grams", "pounds"),
    [(0, 1), (1, 1), (453, 1), (454, 2), (907, 2), (908, 3), (4535, 10), (4536, 11)],
)
def test_billable_pounds_round_up_to_whole_pounds(grams: int, pounds: int) -> None:
    assert billable_pounds(grams) == pounds


@pytest.mark.parametrize(
    ("miles", "grams", "charge"),
    [
        (10, 200, Decimal("9.00")),
        (150, 454, Decimal("12.00")),
        (151, 200, Decimal("14.00")),
        (5000, 2000, Decimal("20.00")),
        (10, 2300, None),
    ],
    ids=["zone-2-one-pound", "zone-2-two-pounds", "zone-5", "beyond-the-last-zone", "too-heavy"],
)
def test_a_parcel_is_priced_by_zone_and_weight(
    miles: float, grams: int, charge: Decimal | None
) -> None:
    assert parcel_charge(TABLE, miles, grams) == charge
    assert parcel_charge(None, miles, grams) == Decimal("0.00")


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def calculate(lines: list[dict[str, Any]], stock: dict[str, dict[str, float]], **kw: Any) -> Any:
    subtotal = kw.pop("subtotal", None)
    req = request(lines, **({"subtotal": subtotal.model_dump(mode="json")} if subtotal else {}))
    return plan_options(
        req,
        rule("SHIP"),
        services=demo_carrier_services("BEAUTY_US"),
        nodes=network(**stock),
        where=locate("10001", "US"),
        order_at=ORDER_AT,
        pricing=Pricing(**kw),
    )


def options(answer: Any) -> list[tuple[str, str, str, bool]]:
    return [
        (o.level_of_service, o.delivery_date.isoformat(), f"{o.charge.amount:.2f}", o.free_shipping)
        for o in answer.options
    ]


def test_every_option_carries_its_charge_by_weight_and_zone() -> None:
    """From Dallas (1,370 miles from New York: zone 6) three levels survive, each later
    one cheaper. Two units of 700 g are a 1,400 g, 4-pound parcel."""
    answer = calculate([{**LINE_A, "quantity": 2}], {"DC_TX": {"A": 5}}, unit_grams={"1": 700})
    assert options(answer) == [
        ("NEXT_DAY", "2026-03-04", "65.00", False),
        ("TWO_DAY", "2026-03-05", "38.60", False),
        ("STANDARD", "2026-03-09", "15.50", False),
    ]
    [shipment] = answer.options[0].shipments
    assert (shipment.weight_grams, shipment.charge) == (1400, usd("65.00"))


def test_a_cart_over_the_threshold_ships_free_at_that_level() -> None:
    answer = calculate(
        [LINE_A],
        {"DC_TX": {"A": 5}},
        thresholds={"STANDARD": usd("35.00")},
        subtotal=usd("35.00"),
    )
    assert options(answer) == [
        ("NEXT_DAY", "2026-03-04", "53.90", False),
        ("TWO_DAY", "2026-03-05", "31.55", False),
        ("STANDARD", "2026-03-09", "0.00", True),
    ]


def test_below_the_threshold_or_in_another_currency_the_charge_stands() -> None:
    for subtotal in (usd("34.99"), Money(amount=Decimal("99"), currency="EUR")):
        answer = calculate(
            [LINE_A], {"DC_TX": {"A": 5}}, thresholds={"STANDARD": usd("35.00")}, subtotal=subtotal
        )
        assert options(answer)[-1] == ("STANDARD", "2026-03-09", "12.80", False)


def test_a_dominated_option_is_dropped_and_the_explanation_says_by_which() -> None:
    answer = calculate([LINE_A], {"DC_NJ": {"A": 5}})
    assert options(answer) == [("STANDARD", "2026-03-04", "10.20", False)]
    assert [
        (o.level_of_service, o.offered, o.reason) for o in answer.explanation.levels_of_service
    ] == [
        ("STANDARD", True, "1 shipment(s), delivery 2026-03-04, charge 10.20"),
        (
            "TWO_DAY",
            False,
            "dominated by STANDARD: arrives earlier, on 2026-03-04 for 10.20 USD",
        ),
        ("NEXT_DAY", False, "dominated by STANDARD: arrives the same date for 10.20 USD"),
    ]


def test_a_parcel_beyond_the_rate_table_is_not_offered_by_that_service() -> None:
    answer = calculate([LINE_A], {"DC_TX": {"A": 5}}, unit_grams={"1": 70_000})
    assert answer.options == ()
    reasons = {o.level_of_service: o.reason for o in answer.explanation.levels_of_service}
    assert reasons["STANDARD"] == ("a 70000 g parcel from DC_TX is beyond UPS_GROUND's rate table")


def offer(level: str, day: str, amount: str, **kw: Any) -> Offer:
    values: dict[str, Any] = {"guaranteed": False, "shipments": 1}
    values.update(kw)
    return Offer(level_of_service=level, delivery=day, charge=usd(amount), **values)


@pytest.mark.parametrize(
    ("offers", "dropped"),
    [
        ([offer("A", "2026-03-05", "5"), offer("B", "2026-03-04", "9")], {}),
        ([offer("A", "2026-03-05", "9"), offer("B", "2026-03-04", "9")], {"A": "B"}),
        ([offer("A", "2026-03-04", "9"), offer("B", "2026-03-04", "5")], {"A": "B"}),
        ([offer("A", "2026-03-04", "5"), offer("B", "2026-03-04", "5")], {"B": "A"}),
        (
            [offer("A", "2026-03-04", "5"), offer("B", "2026-03-04", "5", guaranteed=True)],
            {"A": "B"},
        ),
        (
            [
                offer("A", "2026-03-04", "5"),
                Offer(
                    level_of_service="B",
                    delivery="2026-03-03",
                    charge=Money(amount=Decimal("1"), currency="EUR"),
                    guaranteed=False,
                    shipments=1,
                ),
            ],
            {},
        ),
    ],
    ids=[
        "faster-and-dearer-both-kept",
        "slower-and-not-cheaper",
        "same-day-dearer",
        "identical-shown-once",
        "guarantee-wins-a-tie",
        "other-currency-never-dominates",
    ],
)
def test_dominance(offers: list[Offer], dropped: dict[str, str]) -> None:
    found = dominated(offers)
    assert {
        level: why.split(":")[0].removeprefix("dominated by ") for level, why in found.items()
    } == dropped
