"""Candidate pruning for large networks: a cart considers its nearest nodes and every
distribution centre; whether they cover it decides if the whole network is needed."""

from __future__ import annotations

from typing import Any

from shared.sourcing.geo import locate
from shared.sourcing.model import NodeSupply, SourcingRequest
from shared.sourcing.screening import covers, nearest

NYC = locate("10001", "US")


def node(node_id: str, lat: float, lon: float, kind: str = "STORE") -> NodeSupply:
    return NodeSupply(node_id=node_id, node_type=kind, latitude=lat, longitude=lon)


NETWORK = [
    node("NEWARK", 40.73, -74.17),
    node("BROOKLYN", 40.68, -73.94),
    node("PHILLY", 39.95, -75.16),
    node("BOSTON", 42.36, -71.06),
    node("DALLAS_DC", 32.78, -96.80, "DC"),
    node("DENVER", 39.74, -104.99),
]


def test_the_nearest_nodes_and_every_distribution_centre() -> None:
    assert nearest(NETWORK, NYC, 2) == {"NEWARK", "BROOKLYN", "DALLAS_DC"}
    assert nearest(NETWORK, NYC, 4) == {"NEWARK", "BROOKLYN", "PHILLY", "BOSTON", "DALLAS_DC"}


def cart(*lines: tuple[str, int]) -> SourcingRequest:
    values: dict[str, Any] = {
        "enterpriseCode": "E",
        "destination": {"postalCode": "10001", "country": "US"},
        "lines": [{"lineId": str(n), "itemId": i, "quantity": q} for n, (i, q) in enumerate(lines)],
    }
    return SourcingRequest.model_validate(values)


def test_covers_needs_every_item_in_full_across_the_nodes() -> None:
    stock = {"NEWARK": {"A": 1}, "BROOKLYN": {"A": 1, "B": 3}, "DENVER": {"C": 9}}
    near = {"NEWARK", "BROOKLYN"}
    assert covers(cart(("A", 2), ("B", 3)), near, stock) is True
    assert covers(cart(("A", 3)), near, stock) is False
    assert covers(cart(("A", 1), ("A", 1), ("A", 1)), near, stock) is False
    assert covers(cart(("C", 1)), near, stock) is False
    assert covers(cart(("C", 1)), near | {"DENVER"}, stock) is True
