"""Carts: anonymous (``X-Visitor-Id``) or a customer's (bearer, ``Customer``). Every write
answers the whole cart with its version as ``ETag``, needs ``Idempotency-Key`` and takes
an optional ``If-Match``; another shopper's cart is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions._http import Call, Reply, endpoint
from functions._shopper import cart_reply, customer, shopper, visitor, write
from shared import bootstrap
from shared.checkout.model import Id, Sku
from shared.checkout.requests import AddLine, SetQuantity
from shared.wire import RequestModel

if TYPE_CHECKING:
    from shared.checkout.service import Carts

bp = func.Blueprint()
ANONYMOUS = func.AuthLevel.ANONYMOUS


class CartRoute(RequestModel):
    cart_id: Id


class LineRoute(RequestModel):
    cart_id: Id
    sku: Sku


def carts() -> Carts:
    return bootstrap.registry().checkout().carts


@bp.route(route="carts", methods=["POST"], auth_level=ANONYMOUS)
@endpoint()
def create_cart(call: Call[None, None, None]) -> Reply:
    answer = carts().create(shopper(call), write(call, "create").key)
    return cart_reply(answer, 201, Location=f"/api/carts/{answer.cart.cart_id}")


@bp.route(route="carts/current", methods=["GET"], auth_level=ANONYMOUS)
@endpoint()
def get_current_cart(call: Call[None, None, None]) -> Reply:
    cart = carts().current(shopper(call))
    return Reply(200, cart, etag=cart.version)


@bp.route(route="carts/{cartId}", methods=["GET"], auth_level=ANONYMOUS)
@endpoint(route=CartRoute)
def get_cart(call: Call[None, None, CartRoute]) -> Reply:
    cart = carts().get(call.route.cart_id, shopper(call))
    return Reply(200, cart, etag=cart.version)


@bp.route(route="carts/{cartId}/lines", methods=["POST"], auth_level=ANONYMOUS)
@endpoint(body=AddLine, route=CartRoute)
def add_cart_line(call: Call[AddLine, None, CartRoute]) -> Reply:
    cart_id = call.route.cart_id
    key = write(call, "add", cart_id, call.body)
    answer = carts().add_line(
        cart_id, shopper(call), call.body, write=key, if_match=call.if_match()
    )
    return cart_reply(answer)


@bp.route(route="carts/{cartId}/lines/{sku}", methods=["PATCH"], auth_level=ANONYMOUS)
@endpoint(body=SetQuantity, route=LineRoute)
def set_cart_line(call: Call[SetQuantity, None, LineRoute]) -> Reply:
    r = call.route
    key = write(call, "set", r.cart_id, r.sku, call.body)
    answer = carts().set_quantity(
        r.cart_id, shopper(call), r.sku, call.body, write=key, if_match=call.if_match()
    )
    return cart_reply(answer)


@bp.route(route="carts/{cartId}/lines/{sku}", methods=["DELETE"], auth_level=ANONYMOUS)
@endpoint(route=LineRoute)
def remove_cart_line(call: Call[None, None, LineRoute]) -> Reply:
    r = call.route
    key = write(call, "remove", r.cart_id, r.sku)
    answer = carts().remove_line(
        r.cart_id, shopper(call), r.sku, write=key, if_match=call.if_match()
    )
    return cart_reply(answer)


@bp.route(route="carts/{cartId}/merge", methods=["POST"], auth_level=ANONYMOUS)
@endpoint(route=CartRoute)
def merge_cart(call: Call[None, None, CartRoute]) -> Reply:
    """Sign-in: the bearer's customer takes the ``X-Visitor-Id``'s cart ``cartId``."""
    cart_id = call.route.cart_id
    key = write(call, "merge", cart_id)
    answer = carts().merge(cart_id, visitor(call), customer(call), key)
    return cart_reply(answer)
