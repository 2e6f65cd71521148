"""Availability reads through the HTTP triggers: capped, filtered, batch, anonymous."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.inventory.model import Capability, NodeType
from shared.inventory.service import supply_cache_key
from tests.counting import CallLog, Counted, CountedStore
from tests.functions.inventory_client import (
    ENTERPRISE,
    availability,
    call,
    inventory_over,
    put_node,
    put_supply,
)


@pytest.fixture
def stocked(reg: Registry) -> Registry:
    put_node("DC1")
    put_node("ST1", node_type=NodeType.STORE, capabilities=(Capability.SHIP, Capability.PICKUP))
    put_node("ST2", node_type=NodeType.STORE, capabilities=(Capability.PICKUP,))
    put_node("OFF", status="INACTIVE")
    put_supply("SKU1", "DC1", 500, safetyStock=10, threshold=20)
    put_supply("SKU1", "ST1", 4, threshold=5)
    put_supply("SKU1", "ST2", 0)
    put_supply("SKU1", "OFF", 90)
    put_supply("INF", "DC1", 0, infinite=True)
    return reg


def test_get_availability_caps_and_reports_status(stocked: Registry) -> None:
    resp = availability("SKU1")
    assert resp.status == 200
    assert resp.json == {
        "itemId": "SKU1",
        "network": {"available": 50, "status": "IN_STOCK"},
        "nodes": [
            {"shipNode": "DC1", "available": 50, "status": "IN_STOCK"},
            {"shipNode": "OFF", "available": 0, "status": "OUT_OF_STOCK"},
            {"shipNode": "ST1", "available": 4, "status": "LOW_STOCK"},
            {"shipNode": "ST2", "available": 0, "status": "OUT_OF_STOCK"},
        ],
    }


@pytest.mark.parametrize(
    ("params", "network", "nodes"),
    [
        ({"nodeType": "STORE"}, {"available": 4, "status": "LOW_STOCK"}, ["ST1", "ST2"]),
        ({"capability": "PICKUP"}, {"available": 4, "status": "LOW_STOCK"}, ["ST1", "ST2"]),
        (
            {"shipNode": "ST2", "capability": "PICKUP"},
            {"available": 0, "status": "OUT_OF_STOCK"},
            ["ST2"],
        ),
        ({"shipNode": "OFF"}, {"available": 0, "status": "OUT_OF_STOCK"}, ["OFF"]),
        ({"enterpriseCode": "NOBODY"}, {"available": 0, "status": "OUT_OF_STOCK"}, []),
    ],
    ids=["stores", "pickup", "pickup-one-store", "inactive-node", "other-enterprise"],
)
def test_availability_filters(
    stocked: Registry, params: dict[str, str], network: dict[str, Any], nodes: list[str]
) -> None:
    resp = availability("SKU1", **params)
    assert resp.status == 200
    assert resp.json["network"] == network
    assert [n["shipNode"] for n in resp.json["nodes"]] == nodes


def test_infinite_shows_the_cap(stocked: Registry) -> None:
    assert availability("INF").json["network"] == {"available": 50, "status": "IN_STOCK"}


def test_unknown_item_is_out_of_stock(stocked: Registry) -> None:
    resp = availability("NEVER")
    assert (resp.status, resp.json) == (
        200,
        {"itemId": "NEVER", "network": {"available": 0, "status": "OUT_OF_STOCK"}, "nodes": []},
    )


@pytest.mark.parametrize(
    ("params", "item"),
    [
        ({"nodeType": "SHOP"}, "SKU1"),
        ({"capability": "FLY"}, "SKU1"),
        ({"x": "1"}, "SKU1"),
        ({}, "bad id"),
    ],
    ids=["bad-node-type", "bad-capability", "unknown-param", "bad-item-id"],
)
def test_availability_bad_input_is_400(
    stocked: Registry, params: dict[str, str], item: str
) -> None:
    resp = availability(item, **params)
    assert (resp.status, resp.code) == (400, "VALIDATION_FAILED")


def test_cached_answer_is_refreshed_after_a_supply_change(stocked: Registry) -> None:
    assert availability("SKU1", nodeType="STORE").json["network"]["available"] == 4
    put_supply("SKU1", "ST1", 9, threshold=5)
    assert availability("SKU1", nodeType="STORE").json["network"] == {
        "available": 9,
        "status": "IN_STOCK",
    }


def batch(body: Any) -> Any:
    return call("post_availability", "POST", "availability", body=body)


def test_batch_answers_every_item_in_order(stocked: Registry) -> None:
    resp = batch({"itemIds": ["INF", "SKU1", "NEVER"], "nodeType": "DC"})
    assert resp.status == 200
    assert [
        (i["itemId"], i["network"]["available"], i["network"]["status"]) for i in resp.json["items"]
    ] == [("INF", 50, "IN_STOCK"), ("SKU1", 50, "IN_STOCK"), ("NEVER", 0, "OUT_OF_STOCK")]


def test_batch_of_200_items(stocked: Registry) -> None:
    items = [f"SKU{i}" for i in range(1, 201)]
    resp = batch({"itemIds": items})
    assert resp.status == 200
    assert [i["itemId"] for i in resp.json["items"]] == items


@pytest.mark.parametrize(
    "body",
    [
        {"itemIds": []},
        {"itemIds": [f"S{i}" for i in range(201)]},
        {"itemIds": ["ok", "no way"]},
        {"items": ["SKU1"]},
    ],
    ids=["empty", "201-items", "bad-id", "wrong-field"],
)
def test_batch_bad_input_is_400(stocked: Registry, body: Any) -> None:
    resp = batch(body)
    assert (resp.status, resp.code) == (400, "VALIDATION_FAILED")


def test_batch_of_200_uses_two_store_and_five_cache_round_trips_then_two(
    stocked: Registry,
) -> None:
    store_log, cache_log = CallLog(), CallLog()
    svc = inventory_over(
        stocked,
        documents=CountedStore(stocked.documents(), store_log),
        cache=Counted(stocked.cache(), "cache", log=cache_log),
    )
    items = ["SKU1", "INF", *[f"X{i}" for i in range(198)]]
    # cold: the supply writes above left SKU1 and INF cached
    stocked.cache().delete_many([f"inventory:nodes:{ENTERPRISE}", *map(supply_cache_key, items)])
    cold = svc.availability.get_views(items)
    assert [(c.method, c.target) for c in store_log.calls] == [
        ("query", "ship_nodes"),
        ("query", "inventory"),
    ]
    # the node list's generation, the list (dropped above), the list stored, then stock
    assert [(c.method, c.keys) for c in cache_log.calls] == [
        ("get", 1),
        ("get", 1),
        ("set", 1),
        ("get_many", 200),
        ("set_many_if_newer", 200),
    ]
    store_log.clear()
    cache_log.clear()
    warm = svc.availability.get_views(items)
    assert store_log.calls == []
    # the generation says this process's parsed node list is current: no list read
    assert [(c.method, c.keys) for c in cache_log.calls] == [("get", 1), ("get_many", 200)]
    assert warm == cold
    assert [v.network.available for v in cold[:2]] == [50, 50]
