"""Checkout's steps on a cart (destination, delivery, payment) and placing the order.
Each step answers the whole cart; placing answers the order (201), idempotent by the
checkout's id: a repeat answers the same order, marked replayed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions._http import Call, Reply, endpoint
from functions._shopper import cart_reply, shopper, write
from functions.checkout_carts import ANONYMOUS, CartRoute
from shared import bootstrap
from shared.checkout.requests import AddressInput, ChooseDelivery, PayWith

if TYPE_CHECKING:
    from shared.checkout.service import CheckoutService

bp = func.Blueprint()


def service() -> CheckoutService:
    return bootstrap.registry().checkout()


@bp.route(route="carts/{cartId}/checkout/destination", methods=["PUT"], auth_level=ANONYMOUS)
@endpoint(body=AddressInput, route=CartRoute)
def set_destination(call: Call[AddressInput, None, CartRoute]) -> Reply:
    cart_id = call.route.cart_id
    key = write(call, "destination", cart_id, call.body)
    steps = service().steps
    return cart_reply(
        steps.set_destination(
            cart_id, shopper(call), call.body, write=key, if_match=call.if_match()
        )
    )


@bp.route(route="carts/{cartId}/checkout/delivery", methods=["PUT"], auth_level=ANONYMOUS)
@endpoint(body=ChooseDelivery, route=CartRoute)
def choose_delivery(call: Call[ChooseDelivery, None, CartRoute]) -> Reply:
    cart_id = call.route.cart_id
    key = write(call, "delivery", cart_id, call.body)
    steps = service().steps
    return cart_reply(
        steps.choose_delivery(
            cart_id, shopper(call), call.body, write=key, if_match=call.if_match()
        )
    )


@bp.route(route="carts/{cartId}/checkout/payment", methods=["PUT"], auth_level=ANONYMOUS)
@endpoint(body=PayWith, route=CartRoute)
def set_payment(call: Call[PayWith, None, CartRoute]) -> Reply:
    """The card's number and code are never stored or echoed; the repeat of a key is
    told from its reuse by the last four digits and the expiry only."""
    cart_id = call.route.cart_id
    card = call.body.card
    last4 = card.number.get_secret_value()[-4:]
    key = write(call, "payment", cart_id, last4, card.exp_month, card.exp_year)
    steps = service().steps
    return cart_reply(
        steps.pay(cart_id, shopper(call), call.body, write=key, if_match=call.if_match())
    )


@bp.route(route="carts/{cartId}/order", methods=["POST"], auth_level=ANONYMOUS)
@endpoint(route=CartRoute)
def place_order(call: Call[None, None, CartRoute]) -> Reply:
    answer = service().placement.place(call.route.cart_id, shopper(call), call.if_match())
    order = answer.order
    headers = {"Location": f"/api/orders/{order.order_id}"}
    if not answer.fresh:
        headers["Idempotent-Replayed"] = "true"
    return Reply(201, order, headers=headers, etag=order.version)
