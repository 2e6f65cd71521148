"""Ship nodes, supply and adjustments through their HTTP triggers (embedded store)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.inventory.model import NodeType
from tests.functions.inventory_client import (
    ADMIN,
    ENTERPRISE,
    RESERVER,
    call,
    node_body,
    put_node,
    put_supply,
)


def test_put_ship_node_creates_then_replaces(reg: Registry) -> None:
    first = put_node("DC_EAST")
    assert first.status == 201
    assert (first.json["shipNode"], first.json["nodeType"], first.json["version"]) == (
        "DC_EAST",
        "DC",
        1,
    )
    second = put_node("DC_EAST", status="INACTIVE")
    assert (second.status, second.json["status"], second.json["version"]) == (200, "INACTIVE", 2)
    got = call("get_ship_node", "GET", "ship-nodes/DC_EAST", route={"shipNode": "DC_EAST"})
    assert (got.status, got.json["status"], got.json["location"]["postalCode"]) == (
        200,
        "INACTIVE",
        "10001",
    )
    audit = reg.inventory().repo.list_audit("DC_EAST")
    assert [(a.operation, a.employee_id) for a in audit] == [
        ("PUT_SHIP_NODE", "admin-7"),
        ("PUT_SHIP_NODE", "admin-7"),
    ]
    assert audit[1].changes.before["status"] == "ACTIVE"
    assert audit[1].changes.after["status"] == "INACTIVE"


def test_list_ship_nodes_by_enterprise(reg: Registry) -> None:
    put_node("DC_B")
    put_node("ST_A", node_type=NodeType.STORE)
    put_node("OTHER", enterprise="OTHER_CO")
    listed = call("list_ship_nodes", "GET", "ship-nodes", params={"enterpriseCode": ENTERPRISE})
    assert listed.status == 200
    assert [n["shipNode"] for n in listed.json["shipNodes"]] == ["DC_B", "ST_A"]


def _node_put(token: str | None, body: Any, ship_node: str = "N1") -> Any:
    return call(
        "put_ship_node",
        "PUT",
        f"ship-nodes/{ship_node}",
        body=body,
        route={"shipNode": ship_node},
        token=token,
    )


@pytest.mark.parametrize(
    ("token", "body", "ship_node", "status", "code"),
    [
        (None, node_body(), "N1", 401, "UNAUTHORIZED"),
        ("garbage", node_body(), "N1", 401, "UNAUTHORIZED"),
        (RESERVER, node_body(), "N1", 403, "FORBIDDEN"),
        (ADMIN, node_body() | {"nodeType": "SHOP"}, "N1", 400, "VALIDATION_FAILED"),
        (ADMIN, node_body() | {"surprise": 1}, "N1", 400, "VALIDATION_FAILED"),
        (
            ADMIN,
            {k: v for k, v in node_body().items() if k != "location"},
            "N1",
            400,
            "VALIDATION_FAILED",
        ),
        (ADMIN, node_body(), "bad id!", 400, "VALIDATION_FAILED"),
        (ADMIN, node_body(enterprise="OTHER_CO"), "TAKEN", 409, "SHIP_NODE_ENTERPRISE_MISMATCH"),
    ],
    ids=[
        "no-token",
        "bad-token",
        "wrong-role",
        "bad-node-type",
        "unknown-field",
        "missing-location",
        "bad-route-id",
        "other-enterprise",
    ],
)
def test_put_ship_node_errors(
    reg: Registry, token: str | None, body: Any, ship_node: str, status: int, code: str
) -> None:
    put_node("TAKEN")
    resp = _node_put(token, body, ship_node)
    assert (resp.status, resp.code) == (status, code)


def test_get_unknown_ship_node_is_404(reg: Registry) -> None:
    resp = call("get_ship_node", "GET", "ship-nodes/NOPE", route={"shipNode": "NOPE"})
    assert (resp.status, resp.code) == (404, "SHIP_NODE_NOT_FOUND")


def test_put_supply_creates_updates_and_audits(reg: Registry) -> None:
    put_node("DC1")
    created = put_supply("SKU1", "DC1", 10, safetyStock=2, threshold=3)
    assert created.status == 201
    assert {
        k: created.json[k]
        for k in (
            "quantity",
            "reserved",
            "safetyStock",
            "threshold",
            "infinite",
            "version",
            "enterpriseCode",
        )
    } == {
        "quantity": 10,
        "reserved": 0,
        "safetyStock": 2,
        "threshold": 3,
        "infinite": False,
        "version": 1,
        "enterpriseCode": ENTERPRISE,
    }
    updated = put_supply("SKU1", "DC1", 7, infinite=True)
    assert (
        updated.status,
        updated.json["quantity"],
        updated.json["safetyStock"],
        updated.json["infinite"],
        updated.json["version"],
    ) == (200, 7, 0, True, 2)
    audit = reg.inventory().repo.list_audit("SKU1@DC1")
    assert [(a.operation, a.employee_id, a.form_name) for a in audit] == [
        ("SET_SUPPLY", "admin-7", "PUT /inventory/{itemId}/nodes/{shipNode}"),
        ("SET_SUPPLY", "admin-7", "PUT /inventory/{itemId}/nodes/{shipNode}"),
    ]
    assert audit[1].changes.before == {
        "quantity": 10,
        "safetyStock": 2,
        "threshold": 3,
        "infinite": False,
        "reserved": 0,
        "version": 1,
    }
    assert audit[1].changes.after["quantity"] == 7
    got = call(
        "get_supply",
        "GET",
        "inventory/SKU1/nodes/DC1",
        route={"itemId": "SKU1", "shipNode": "DC1"},
        token=ADMIN,
    )
    assert (got.status, got.json["quantity"]) == (200, 7)


@pytest.mark.parametrize(
    ("ship_node", "body", "token", "status", "code"),
    [
        ("NOPE", {"quantity": 1}, ADMIN, 404, "SHIP_NODE_NOT_FOUND"),
        ("DC1", {"quantity": -1}, ADMIN, 400, "VALIDATION_FAILED"),
        ("DC1", {"quantity": 1, "reserved": 5}, ADMIN, 400, "VALIDATION_FAILED"),
        ("DC1", {}, ADMIN, 400, "VALIDATION_FAILED"),
        ("DC1", {"quantity": 1}, None, 401, "UNAUTHORIZED"),
        ("DC1", {"quantity": 1}, RESERVER, 403, "FORBIDDEN"),
    ],
    ids=[
        "unknown-node",
        "negative",
        "reserved-not-settable",
        "missing-quantity",
        "no-token",
        "wrong-role",
    ],
)
def test_put_supply_errors(
    reg: Registry, ship_node: str, body: Any, token: str | None, status: int, code: str
) -> None:
    put_node("DC1")
    resp = call(
        "put_supply",
        "PUT",
        f"inventory/SKU1/nodes/{ship_node}",
        body=body,
        route={"itemId": "SKU1", "shipNode": ship_node},
        token=token,
    )
    assert (resp.status, resp.code) == (status, code)


def test_get_missing_supply_is_404(reg: Registry) -> None:
    resp = call(
        "get_supply",
        "GET",
        "inventory/X/nodes/Y",
        route={"itemId": "X", "shipNode": "Y"},
        token=ADMIN,
    )
    assert (resp.status, resp.code) == (404, "SUPPLY_NOT_FOUND")


def adjust(adjustments: list[dict[str, Any]], reason: str = "cycle count") -> Any:
    return call(
        "post_adjustments",
        "POST",
        "inventory/adjustments",
        body={"reason": reason, "adjustments": adjustments},
        token=ADMIN,
    )


def quantities(reg: Registry) -> dict[str, int]:
    svc = reg.inventory()
    return {
        f"{i}@{n}": svc.supply.get_supply(i, n).quantity for i, n in (("A", "DC1"), ("B", "DC1"))
    }


def test_adjustments_apply_deltas_and_audit_reason(reg: Registry) -> None:
    put_node("DC1")
    put_supply("A", "DC1", 10)
    put_supply("B", "DC1", 5)
    resp = adjust(
        [
            {"itemId": "A", "shipNode": "DC1", "quantity": -4},
            {"itemId": "B", "shipNode": "DC1", "quantity": 6},
        ],
        reason="damaged",
    )
    assert resp.status == 200
    assert [(r["itemId"], r["quantity"], r["version"]) for r in resp.json["records"]] == [
        ("A", 6, 2),
        ("B", 11, 2),
    ]
    audit = reg.inventory().repo.list_audit("A@DC1")[-1]
    assert (audit.operation, audit.reason, audit.changes.model_dump()) == (
        "ADJUST_INVENTORY",
        "damaged",
        {"before": {"quantity": 10}, "after": {"quantity": 6}},
    )


@pytest.mark.parametrize(
    ("lines", "status", "code"),
    [
        (
            [
                {"itemId": "A", "shipNode": "DC1", "quantity": 3},
                {"itemId": "B", "shipNode": "DC1", "quantity": -6},
            ],
            422,
            "NEGATIVE_ON_HAND",
        ),
        (
            [
                {"itemId": "A", "shipNode": "DC1", "quantity": 3},
                {"itemId": "C", "shipNode": "DC1", "quantity": 1},
            ],
            404,
            "SUPPLY_NOT_FOUND",
        ),
        ([], 400, "VALIDATION_FAILED"),
        ([{"itemId": "A", "shipNode": "DC1"}], 400, "VALIDATION_FAILED"),
    ],
    ids=[
        "below-zero-undoes-earlier-lines",
        "missing-record-undoes-earlier-lines",
        "empty",
        "no-quantity",
    ],
)
def test_adjustment_errors_change_nothing(
    reg: Registry, lines: list[dict[str, Any]], status: int, code: str
) -> None:
    put_node("DC1")
    put_supply("A", "DC1", 10)
    put_supply("B", "DC1", 5)
    resp = adjust(lines)
    assert (resp.status, resp.code) == (status, code)
    assert quantities(reg) == {"A@DC1": 10, "B@DC1": 5}


def supply_put(if_match: str, quantity: int = 3) -> Any:
    return call(
        "put_supply",
        "PUT",
        "inventory/SKU1/nodes/DC1",
        body={"quantity": quantity},
        route={"itemId": "SKU1", "shipNode": "DC1"},
        token=ADMIN,
        headers={"If-Match": if_match},
    )


def test_supply_etag_and_conditional_put(reg: Registry) -> None:
    put_node("DC1")
    created = put_supply("SKU1", "DC1", 10)
    assert created.headers["ETag"] == '"1"'
    weak = supply_put('W/"1"', quantity=50)
    assert (weak.status, weak.code) == (412, "ETAG_MISMATCH")
    ok = supply_put('"1"')
    assert (ok.status, ok.headers["ETag"], ok.json["quantity"]) == (200, '"2"', 3)
    stale = supply_put('"1"', quantity=99)
    assert (stale.status, stale.code) == (412, "ETAG_MISMATCH")
    assert stale.json["error"]["details"] == {"currentVersion": 2}
    star = supply_put("*", quantity=4)
    assert (star.status, star.headers["ETag"]) == (200, '"3"')
    assert reg.inventory().supply.get_supply("SKU1", "DC1").quantity == 4


@pytest.mark.parametrize(
    ("if_match", "status", "code"),
    [
        ('"1"', 412, "ETAG_MISMATCH"),
        ("*", 412, "ETAG_MISMATCH"),
        ('W/"1"', 412, "ETAG_MISMATCH"),
        ("soon", 400, "BAD_ETAG"),
        ('"' + "9" * 5000 + '"', 412, "ETAG_MISMATCH"),
    ],
    ids=["missing-record", "star-missing-record", "weak", "malformed", "huge-number"],
)
def test_conditional_supply_put_errors(
    reg: Registry, if_match: str, status: int, code: str
) -> None:
    put_node("DC1")
    resp = supply_put(if_match)
    assert (resp.status, resp.code) == (status, code)
    assert reg.inventory().repo.read_supply("SKU1", "DC1") is None


def test_ship_node_conditional_put(reg: Registry) -> None:
    assert put_node("DC1").headers["ETag"] == '"1"'
    body = node_body(status="INACTIVE")

    def conditional(tag: str) -> Any:
        return call(
            "put_ship_node",
            "PUT",
            "ship-nodes/DC1",
            body=body,
            route={"shipNode": "DC1"},
            token=ADMIN,
            headers={"If-Match": tag},
        )

    weak = conditional('W/"1"')
    assert (weak.status, weak.code) == (412, "ETAG_MISMATCH")
    malformed = conditional("1")
    assert (malformed.status, malformed.code) == (400, "BAD_ETAG")
    first = conditional('"1"')
    assert (first.status, first.headers["ETag"]) == (200, '"2"')
    second = conditional('"1"')
    assert (second.status, second.code) == (412, "ETAG_MISMATCH")
    got = call("get_ship_node", "GET", "ship-nodes/DC1", route={"shipNode": "DC1"})
    assert (got.headers["ETag"], got.json["status"]) == ('"2"', "INACTIVE")
