"""Availability reads: anonymous, so every quantity is capped at the display cap."""

from __future__ import annotations

import azure.functions as func
from pydantic import Field

from functions._http import Call, QueryModel, Reply, endpoint
from shared import bootstrap
from shared.inventory.model import AvailabilityFilter, Capability, Code, NodeType
from shared.inventory.service import MAX_BATCH_ITEMS, InventoryService
from shared.wire import RequestModel

bp = func.Blueprint()


class ItemRoute(RequestModel):
    item_id: Code


class AvailabilityQuery(QueryModel):
    enterprise_code: Code | None = None
    node_type: NodeType | None = None
    ship_node: Code | None = None
    capability: Capability | None = None

    def to_filter(self) -> AvailabilityFilter:
        return AvailabilityFilter(
            node_type=self.node_type, ship_node=self.ship_node, capability=self.capability
        )


class AvailabilityBatch(RequestModel):
    item_ids: tuple[Code, ...] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)
    enterprise_code: Code | None = None
    node_type: NodeType | None = None
    ship_node: Code | None = None
    capability: Capability | None = None


def service() -> InventoryService:
    return bootstrap.registry().inventory()


@bp.route(route="availability/{itemId}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(route=ItemRoute, query=AvailabilityQuery)
def get_availability(call: Call[None, AvailabilityQuery, ItemRoute]) -> Reply:
    q = call.query
    views = service().availability.get_views([call.route.item_id], q.enterprise_code, q.to_filter())
    return Reply(200, views[0])


@bp.route(route="availability", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(body=AvailabilityBatch)
def post_availability(call: Call[AvailabilityBatch, None, None]) -> Reply:
    b = call.body
    flt = AvailabilityFilter(node_type=b.node_type, ship_node=b.ship_node, capability=b.capability)
    views = service().availability.get_views(list(b.item_ids), b.enterprise_code, flt)
    return Reply(200, {"items": views})
