"""Node assignment: fewest shipments, then earliest delivery, then lowest distance."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.sourcing.assignment import Candidate, Line, Plan, plan_shipments

DAY = date(2026, 3, 5)


def node(name: str, stock: dict[str, float], days: int = 0, miles: float = 100.0) -> Candidate:
    return Candidate(name, stock, DAY + timedelta(days=days), miles)


def lines(**quantities: int) -> list[Line]:
    return [Line(f"L{i}", item, qty) for i, (item, qty) in enumerate(quantities.items(), 1)]


def shape(plan: Plan | None) -> dict[str, dict[str, int]] | None:
    return None if plan is None else dict(plan.shipments)


CASES = [
    (
        "one-node-covers-all",
        lines(a=1, b=2),
        [node("N1", {"a": 1}), node("N2", {"a": 5, "b": 5}), node("N3", {"b": 9})],
        {"N2": {"L1": 1, "L2": 2}},
    ),
    (
        "earliest-among-single-nodes",
        lines(a=1),
        [node("N1", {"a": 1}, days=2, miles=5), node("N2", {"a": 1}, days=1, miles=900)],
        {"N2": {"L1": 1}},
    ),
    (
        "nearest-among-equal-dates",
        lines(a=1),
        [node("N1", {"a": 1}, miles=300), node("N2", {"a": 1}, miles=20)],
        {"N2": {"L1": 1}},
    ),
    (
        "fewer-shipments-beat-earlier-dates",
        lines(a=1, b=1),
        [
            node("FAST_A", {"a": 1}, days=0),
            node("FAST_B", {"b": 1}, days=0),
            node("SLOW_AB", {"a": 1, "b": 1}, days=3),
        ],
        {"SLOW_AB": {"L1": 1, "L2": 1}},
    ),
    (
        "greedy-trap-two-not-three",
        lines(i1=1, i2=1, i3=1, i4=1, i5=1, i6=1),
        [
            node("BIG", {"i1": 1, "i2": 1, "i4": 1, "i5": 1}),
            node("LEFT", {"i1": 1, "i2": 1, "i3": 1}),
            node("RIGHT", {"i4": 1, "i5": 1, "i6": 1}),
        ],
        {"LEFT": {"L1": 1, "L2": 1, "L3": 1}, "RIGHT": {"L4": 1, "L5": 1, "L6": 1}},
    ),
    (
        "no-split-when-one-node-has-it-all",
        lines(a=5),
        [
            node("FAR", {"a": 5}, days=4, miles=2000),
            node("NEAR1", {"a": 3}, days=0),
            node("NEAR2", {"a": 2}, days=0),
        ],
        {"FAR": {"L1": 5}},
    ),
    (
        "split-over-fewest-nodes",
        lines(a=10),
        [
            node("N4", {"a": 4}, days=0, miles=150),
            node("N6", {"a": 6}, days=1),
            node("N5", {"a": 5}, days=1),
            node("N3", {"a": 3}, days=0),
        ],
        {"N5": {"L1": 5}, "N6": {"L1": 5}},
    ),
    (
        "split-line-rides-with-another-line",
        lines(a=10, b=1),
        [node("N1", {"a": 6}), node("N2", {"a": 6}, miles=50), node("N3", {"a": 6, "b": 1})],
        {"N2": {"L1": 6}, "N3": {"L1": 4, "L2": 1}},
    ),
    (
        "lines-of-one-item-pooled",
        [Line("L1", "a", 2), Line("L2", "a", 3)],
        [node("N1", {"a": 4}), node("N2", {"a": 5}, days=2)],
        {"N2": {"L1": 2, "L2": 3}},
    ),
    (
        "pooled-item-split-across-lines",
        [Line("L1", "a", 3), Line("L2", "a", 3)],
        [node("N1", {"a": 4}), node("N2", {"a": 4}, miles=900)],
        {"N1": {"L1": 3, "L2": 1}, "N2": {"L2": 2}},
    ),
]


@pytest.mark.parametrize(
    ("cart", "nodes", "expected"), [pytest.param(*row[1:], id=row[0]) for row in CASES]
)
def test_plan(
    cart: list[Line], nodes: list[Candidate], expected: dict[str, dict[str, int]]
) -> None:
    plan = plan_shipments(cart, nodes)
    assert shape(plan) == expected
    assert plan is not None and plan.method == "EXACT"
    assert plan.unavailable == ()


def test_unavailable_line_is_reported_and_the_rest_planned() -> None:
    plan = plan_shipments(lines(a=1, b=9), [node("N1", {"a": 1, "b": 3}), node("N2", {"b": 5})])
    assert plan is not None
    assert (shape(plan), plan.unavailable) == ({"N1": {"L1": 1}}, ("L2",))


def test_nothing_available() -> None:
    plan = plan_shipments(lines(a=1), [node("N1", {"b": 3})])
    assert plan is not None
    assert (plan.shipments, plan.unavailable, plan.reason) == ((), ("L1",), "no line can be served")


def test_larger_carts_fall_back_to_a_stated_heuristic() -> None:
    cart = [Line(f"L{i}", f"i{i}", 1) for i in range(11)]
    plan = plan_shipments(cart, [node("N1", {f"i{i}": 1 for i in range(11)})])
    assert plan is not None
    assert plan.method == "HEURISTIC"
    assert plan.reason == (
        "greedy cover: 11 lines over 1 nodes exceeds the exact limit of 10 lines over 100 nodes"
    )
    assert shape(plan) == {"N1": {f"L{i}": 1 for i in range(11)}}


def brute_force_size(cart: list[Line], nodes: list[Candidate]) -> int:
    """Smallest node set that can serve every servable line, by enumeration; an item may
    split only when no node at all holds its whole quantity."""
    need: dict[str, int] = {}
    for line in cart:
        need[line.item_id] = need.get(line.item_id, 0) + line.quantity
    servable = {
        item: qty for item, qty in need.items() if sum(n.stock.get(item, 0) for n in nodes) >= qty
    }
    whole = {
        item for item, qty in servable.items() if any(n.stock.get(item, 0) >= qty for n in nodes)
    }

    def serves(combo: tuple[Candidate, ...], item: str, qty: int) -> bool:
        if item in whole:
            return any(n.stock.get(item, 0) >= qty for n in combo)
        return sum(n.stock.get(item, 0) for n in combo) >= qty

    if not servable:
        return 0
    for k in range(1, len(nodes) + 1):
        for combo in itertools.combinations(nodes, k):
            if all(serves(combo, item, qty) for item, qty in servable.items()):
                return k
    raise AssertionError("servable lines must be coverable")


instances = st.tuples(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(1, 6)), min_size=1, max_size=6),
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 8), max_size=6),
            st.integers(0, 3),
            st.integers(1, 500),
        ),
        min_size=1,
        max_size=8,
    ),
)


@settings(max_examples=1500, deadline=None)
@given(instances)
def test_fewest_shipments_match_brute_force(
    instance: tuple[list[tuple[str, int]], list[tuple[dict[str, int], int, int]]],
) -> None:
    raw_lines, raw_nodes = instance
    cart = [Line(f"L{i}", item, qty) for i, (item, qty) in enumerate(raw_lines)]
    nodes = [
        node(f"N{i}", dict(stock), days=days, miles=float(miles))
        for i, (stock, days, miles) in enumerate(raw_nodes)
    ]
    plan = plan_shipments(cart, nodes)
    assert plan is not None
    assert plan.size == brute_force_size(cart, nodes)
    served: dict[str, int] = {}
    for node_id, quantities in plan.shipments:
        stock = next(n.stock for n in nodes if n.node_id == node_id)
        per_item: dict[str, int] = {}
        for line in cart:
            if line.line_id in quantities:
                per_item[line.item_id] = per_item.get(line.item_id, 0) + quantities[line.line_id]
                served[line.line_id] = served.get(line.line_id, 0) + quantities[line.line_id]
        assert all(stock.get(item, 0) >= qty for item, qty in per_item.items())
    assert served == {
        line.line_id: line.quantity for line in cart if line.line_id not in plan.unavailable
    }
