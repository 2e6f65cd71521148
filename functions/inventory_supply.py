"""Supply: what is on hand at each node, set absolutely or adjusted by deltas."""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, Reply, endpoint
from shared import bootstrap
from shared.inventory.model import AdjustmentRequest, Code, SupplySpec
from shared.inventory.service import InventoryService
from shared.security import INVENTORY_ADMIN
from shared.wire import RequestModel

bp = func.Blueprint()


class SupplyRoute(RequestModel):
    item_id: Code
    ship_node: Code


def service() -> InventoryService:
    return bootstrap.registry().inventory()


@bp.route(route="inventory/{itemId}/nodes/{shipNode}", methods=["GET"])
@endpoint(route=SupplyRoute, roles=[INVENTORY_ADMIN])
def get_supply(call: Call[None, None, SupplyRoute]) -> Reply:
    record = service().supply.get_supply(call.route.item_id, call.route.ship_node)
    return Reply(200, record, etag=record.version)


@bp.route(route="inventory/{itemId}/nodes/{shipNode}", methods=["PUT"])
@endpoint(body=SupplySpec, route=SupplyRoute, roles=[INVENTORY_ADMIN])
def put_supply(call: Call[SupplySpec, None, SupplyRoute]) -> Reply:
    """``If-Match: "<version>"`` (optional) makes the write conditional (412)."""
    record, created = service().supply.set_supply(
        call.route.item_id, call.route.ship_node, call.body, call.caller, if_match=call.if_match()
    )
    return Reply(201 if created else 200, record, etag=record.version)


@bp.route(route="inventory/adjustments", methods=["POST"])
@endpoint(body=AdjustmentRequest, roles=[INVENTORY_ADMIN])
def post_adjustments(call: Call[AdjustmentRequest, None, None]) -> Reply:
    return Reply(200, {"records": service().supply.adjust(call.body, call.caller)})
