"""The seed's business flow, as a shopper and the storefront live it, over HTTP only:
browse the catalog (GraphQL), add a lipstick to an anonymous cart, sign in (the cart
merges into the customer's), checkout to a New York address, choose delivery, pay, place
the order; then stock is deducted at the node that ships it and ``OrderPlaced`` is
published (the order shows it once the change feed has run)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import LiveSystem, eventually, running_system

SEARCH = """
query Find($search: String)
@inContext(enterprise: "BEAUTY_US", currency: "USD", postalCode: "10001") {
  products(first: 50, filter: {search: $search, inStock: true}, sort: NAME_ASC) {
    edges { node { name slug variants {
      sku price { amount currency } availability { available inStock }
      deliveryOptions(quantity: 2) { levelOfService }
    } } }
  }
}
"""
VISITOR = "e2e-visitor-8f3c2a9b6d1e4f70"
ADDRESS = {
    "name": "Grace Hopper",
    "line1": "1 Penn Plaza",
    "city": "New York",
    "state": "NY",
    "postalCode": "10001",
}
CARD = {"card": {"number": "4242 4242 4242 4242", "expMonth": 12, "expYear": 2031, "cvc": "314"}}


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, seeded_data: Any) -> Iterator[LiveSystem]:
    with running_system(tmp_path_factory.mktemp("e2e-shopping"), seeded_data) as live:
        yield live


def lipstick(system: LiveSystem) -> tuple[str, str, str]:
    """A lipstick variant in stock with a next-day promise: (sku, name, price)."""
    found = system.graphql(SEARCH, {"search": "lipstick"}).json()
    assert found.get("errors") is None, found
    for edge in found["data"]["products"]["edges"]:
        for v in edge["node"]["variants"]:
            levels = {o["levelOfService"] for o in v["deliveryOptions"] or []}
            stock = v["availability"]
            if stock["inStock"] and (stock["available"] or 0) >= 2 and "NEXT_DAY" in levels:
                return v["sku"], edge["node"]["name"], v["price"]["amount"]
    pytest.fail("the demo catalog has no lipstick in stock with a next-day promise")


def test_a_shopper_buys_a_lipstick_end_to_end(system: LiveSystem) -> None:
    sku, name, price = lipstick(system)
    http = system.http
    anonymous = {"X-Visitor-Id": VISITOR}

    def key(step: str) -> dict[str, str]:
        return {"Idempotency-Key": f"e2e-{step}"}

    cart = http.post("/carts", headers=anonymous | key("create"))
    assert cart.status_code == 201, cart.text
    cart_id = cart.json()["cartId"]
    for _ in range(2):  # a double click adds once
        clicked = http.post(
            f"/carts/{cart_id}/lines",
            json={"sku": sku, "quantity": 1},
            headers=anonymous | key("add"),
        )
    assert (clicked.status_code, clicked.headers["idempotent-replayed"]) == (200, "true")
    added = http.patch(
        f"/carts/{cart_id}/lines/{sku}",
        json={"quantity": 2},
        headers=anonymous | key("more") | {"If-Match": clicked.headers["etag"]},
    )
    assert (added.status_code, added.headers["etag"]) == (200, '"3"'), added.text
    line = added.json()["lines"][0]
    assert (line["sku"], line["quantity"], line["unitPrice"]["amount"], line["warnings"]) == (
        sku,
        2,
        price,
        [],
    )

    alice = system.auth("Customer", sub="alice")
    merged = http.post(f"/carts/{cart_id}/merge", headers=anonymous | alice | key("merge"))
    assert merged.status_code == 200, merged.text
    mine = merged.json()["cartId"]
    assert (
        merged.json()["owner"],
        [(ln["sku"], ln["quantity"]) for ln in merged.json()["lines"]],
    ) == (
        "CUSTOMER",
        [(sku, 2)],
    )

    started = http.put(
        f"/carts/{mine}/checkout/destination", json=ADDRESS, headers=alice | key("dest")
    )
    assert started.status_code == 200, started.text
    options = {o["optionId"]: o for o in started.json()["checkout"]["options"]}
    assert "NEXT_DAY:UPS_NEXT_DAY_AIR" in options, options
    chosen = http.put(
        f"/carts/{mine}/checkout/delivery",
        json={"optionId": "NEXT_DAY:UPS_NEXT_DAY_AIR"},
        headers=alice | key("choose"),
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["checkout"]["hold"]["status"] == "ACTIVE"
    choice = chosen.json()["checkout"]["choice"]
    shipped = {s["shipNode"]: s["quantities"][sku] for s in choice["shipments"]}
    assert sum(shipped.values()) == 2
    stockist = system.auth("Inventory.Admin", sub="e2e-stockist")

    def supply() -> dict[str, tuple[int, int]]:
        """On hand and reserved at each node that ships the order, as an operator reads it."""
        read = {n: http.get(f"/inventory/{sku}/nodes/{n}", headers=stockist) for n in shipped}
        return {n: (r.json()["quantity"], r.json()["reserved"]) for n, r in read.items()}

    before = supply()
    assert {n: reserved for n, (_, reserved) in before.items()} == shipped

    paid = http.put(f"/carts/{mine}/checkout/payment", json=CARD, headers=alice | key("pay"))
    assert (paid.status_code, paid.json()["checkout"]["ready"]) == (200, True), paid.text
    placed = http.post(f"/carts/{mine}/order", headers=alice | {"If-Match": paid.headers["etag"]})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    charge = Decimal(options["NEXT_DAY:UPS_NEXT_DAY_AIR"]["charge"]["amount"])
    assert charge > 0  # next-day air is priced from the carrier's rate table, never free
    total = f"{2 * Decimal(price) + charge:.2f}"
    assert (order["status"], order["customerId"], order["totals"]["total"]["amount"]) == (
        "PLACED",
        "alice",
        total,
    )
    assert {ln["shipNode"]: ln["quantity"] for ln in order["lines"]} == shipped
    assert {ln["sku"] for ln in order["lines"]} == {sku}
    assert order["lines"][0]["name"].startswith(name)
    assert supply() == {n: (q - shipped[n], r - shipped[n]) for n, (q, r) in before.items()}
    again = http.post(f"/carts/{mine}/order", headers=alice)
    assert (again.status_code, again.headers["idempotent-replayed"], again.json()["orderId"]) == (
        201,
        "true",
        order["orderId"],
    )
    listed = http.get("/orders", headers=alice).json()["orders"]
    assert [o["orderId"] for o in listed] == [order["orderId"]]

    def events() -> list[str]:
        return list(http.get(f"/orders/{order['orderId']}", headers=alice).json()["events"])

    assert eventually(events, ["OrderPlaced"]) == ["OrderPlaced"]
    stranger = http.get(f"/orders/{order['orderId']}", headers={"X-Visitor-Id": VISITOR})
    assert (stranger.status_code, stranger.json()["error"]["code"]) == (404, "ORDER_NOT_FOUND")
