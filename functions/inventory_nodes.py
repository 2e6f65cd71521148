"""Ship nodes: the distribution centres, stores and vendors stock lives at."""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, QueryModel, Reply, endpoint
from shared import bootstrap
from shared.inventory.model import Code, ShipNodeSpec
from shared.inventory.service import InventoryService
from shared.security import INVENTORY_ADMIN
from shared.wire import RequestModel

bp = func.Blueprint()


class NodeRoute(RequestModel):
    ship_node: Code


class NodeQuery(QueryModel):
    enterprise_code: Code | None = None


def service() -> InventoryService:
    return bootstrap.registry().inventory()


@bp.route(route="ship-nodes", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(query=NodeQuery)
def list_ship_nodes(call: Call[None, NodeQuery, None]) -> Reply:
    return Reply(200, {"shipNodes": service().nodes.list_nodes(call.query.enterprise_code)})


@bp.route(route="ship-nodes/{shipNode}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(route=NodeRoute, query=NodeQuery)
def get_ship_node(call: Call[None, NodeQuery, NodeRoute]) -> Reply:
    node = service().nodes.get_node(call.route.ship_node, call.query.enterprise_code)
    return Reply(200, node, etag=node.version)


@bp.route(route="ship-nodes/{shipNode}", methods=["PUT"])
@endpoint(body=ShipNodeSpec, route=NodeRoute, roles=[INVENTORY_ADMIN])
def put_ship_node(call: Call[ShipNodeSpec, None, NodeRoute]) -> Reply:
    """``If-Match: "<version>"`` (optional) makes the write conditional (412)."""
    node, created = service().nodes.put_node(
        call.route.ship_node, call.body, call.caller, if_match=call.if_match()
    )
    return Reply(201 if created else 200, node, etag=node.version)
