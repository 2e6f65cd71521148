"""Orders: read by the customer (or the visitor) who placed them, or ``Order.Admin``;
listed for a customer; cancelled before shipment (stock back, payment refunded)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions._http import Call, Reply, endpoint
from functions._shopper import customer, order_caller
from functions.checkout_carts import ANONYMOUS
from shared import bootstrap
from shared.checkout.model import Id
from shared.wire import RequestModel

if TYPE_CHECKING:
    from shared.checkout.service import Orders

bp = func.Blueprint()


class OrderRoute(RequestModel):
    order_id: Id


def orders() -> Orders:
    return bootstrap.registry().checkout().orders


@bp.route(route="orders", methods=["GET"], auth_level=ANONYMOUS)
@endpoint()
def list_orders(call: Call[None, None, None]) -> Reply:
    return Reply(200, {"orders": orders().list_mine(customer(call))})


@bp.route(route="orders/{orderId}", methods=["GET"], auth_level=ANONYMOUS)
@endpoint(route=OrderRoute)
def get_order(call: Call[None, None, OrderRoute]) -> Reply:
    who = order_caller(call)
    order = orders().get(call.route.order_id, who.shopper, admin=who.admin)
    return Reply(200, order, etag=order.version)


@bp.route(route="orders/{orderId}/cancel", methods=["POST"], auth_level=ANONYMOUS)
@endpoint(route=OrderRoute)
def cancel_order(call: Call[None, None, OrderRoute]) -> Reply:
    who = order_caller(call)
    order = orders().cancel(call.route.order_id, who.shopper, who.actor, admin=who.admin)
    return Reply(200, order, etag=order.version)
