"""Node capacity in the calculation: a node whose day is full ships on its next day with
room, per level of service too, and a node full on every day tried is rejected with
PAST_CAPACITY. Order on Tuesday 3 March 2026 at 10:00 in New York, to ZIP 10001."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.sourcing.capacity import NEXT_DAYS, Usage
from shared.sourcing.demo import demo_carrier_services
from shared.sourcing.geo import locate
from shared.sourcing.model import SourcingAnswer
from shared.sourcing.planner import plan_options
from tests.unit.test_sourcing_planner import LINE_A, ORDER_AT, request, rule, supply

TUE, WED, THU = date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)


def calculate(usage: dict[tuple[str, date], Usage], **limits: Any) -> SourcingAnswer:
    """One node in Texas (1,370 miles: every level is worth offering)."""
    node = supply("DC_TX", 32.79, -96.80, available={"A": 5}, **limits)
    return plan_options(
        request([LINE_A]),
        rule("SHIP"),
        services=demo_carrier_services("BEAUTY_US"),
        nodes=[node],
        where=locate("10001", "US"),
        order_at=ORDER_AT,
        usage=usage,
    )


def ship_dates(answer: SourcingAnswer) -> dict[str, str]:
    return {o.level_of_service: o.shipments[0].ship_date.isoformat() for o in answer.options}


@pytest.mark.parametrize(
    ("usage", "limits", "ships"),
    [
        ({}, {"daily_capacity": 2}, {"NEXT_DAY": TUE, "TWO_DAY": TUE, "STANDARD": TUE}),
        (
            {("DC_TX", TUE): Usage(1)},
            {"daily_capacity": 2},
            {"NEXT_DAY": TUE, "TWO_DAY": TUE, "STANDARD": TUE},
        ),
        (
            {("DC_TX", TUE): Usage(2)},
            {"daily_capacity": 2},
            {"NEXT_DAY": WED, "TWO_DAY": WED, "STANDARD": WED},
        ),
        (
            {("DC_TX", TUE): Usage(2), ("DC_TX", WED): Usage(5)},
            {"daily_capacity": 2},
            {"NEXT_DAY": THU, "TWO_DAY": THU, "STANDARD": THU},
        ),
        (
            {("DC_TX", TUE): Usage(3, {"NEXT_DAY": 3})},
            {"daily_capacity": 10, "capacity_by_level": {"NEXT_DAY": 3}},
            # next-day air would now leave Wednesday and land with two-day: dominated
            {"TWO_DAY": TUE, "STANDARD": TUE},
        ),
        (
            {("DC_TX", TUE): Usage(99)},
            {},
            {"NEXT_DAY": TUE, "TWO_DAY": TUE, "STANDARD": TUE},
        ),
    ],
    ids=[
        "no-usage",
        "room-left",
        "full-moves-to-the-next-day",
        "two-full-days",
        "full-for-air-only",
        "no-limit",
    ],
)
def test_a_full_day_moves_the_shipment_to_the_next_day_with_room(
    usage: dict[tuple[str, date], Usage], limits: dict[str, Any], ships: dict[str, date]
) -> None:
    answer = calculate(usage, **limits)
    assert ship_dates(answer) == {level: day.isoformat() for level, day in ships.items()}
    assert [r.reason for r in answer.explanation.rejected_nodes] == []


def test_a_node_full_on_every_day_tried_is_past_capacity() -> None:
    usage = {
        ("DC_TX", date.fromordinal(TUE.toordinal() + n)): Usage(1) for n in range(NEXT_DAYS + 9)
    }
    answer = calculate(usage, daily_capacity=1)
    assert answer.options == ()
    assert [(r.ship_node, r.reason, r.detail) for r in answer.explanation.rejected_nodes] == [
        ("DC_TX", "PAST_CAPACITY", "at capacity for STANDARD on each of its next 15 days")
    ]
