"""Adapts the inventory and sourcing services to the lookups the catalog declares.

The catalog may not import another context, so the composition root uses these
bridges. Both answer a whole page of SKUs with a bounded number of store round trips:
inventory in chunks of its batch limit, sourcing with one read of carrier services
and rules and one availability read for every SKU, then a pure plan per SKU.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from shared.catalog.source import DeliveryPromise, DeliveryQuery, StockLevel
from shared.errors import BadRequest, RuleViolation

if TYPE_CHECKING:
    from shared.inventory.service import InventoryService
    from shared.sourcing.geo import Location
    from shared.sourcing.model import NodeSupply
    from shared.sourcing.service import SourcingService

INVENTORY_BATCH = 200


class InventoryStockLevels:
    def __init__(self, inventory: Callable[[], InventoryService]) -> None:
        self._inventory = inventory

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        inventory = self._inventory()
        out: dict[str, StockLevel] = {}
        wanted = list(dict.fromkeys(skus))
        for start in range(0, len(wanted), INVENTORY_BATCH):
            chunk = wanted[start : start + INVENTORY_BATCH]
            for view in inventory.get_availability_views(chunk, enterprise_code):
                out[view.item_id] = StockLevel(
                    status=str(view.network.status.value), available=view.network.available
                )
        return out


class SourcingPromises:
    def __init__(self, sourcing: Callable[[], SourcingService], country: str = "US") -> None:
        self._sourcing = sourcing
        self._country = country

    def get_delivery_promises(
        self, enterprise_code: str, queries: Sequence[DeliveryQuery]
    ) -> Mapping[DeliveryQuery, Sequence[DeliveryPromise]]:
        from shared.sourcing.geo import locate
        from shared.sourcing.model import CartLine, Destination, SourcingRequest
        from shared.sourcing.planner import plan_options
        from shared.sourcing.service import choose_rule

        sourcing = self._sourcing()
        services = sourcing.repo.list_carrier_services(enterprise_code)
        rules = sourcing.repo.list_rules(enterprise_code)
        if not services and not rules:
            raise RuleViolation(
                f"unknown enterprise {enterprise_code!r}", code="UNKNOWN_ENTERPRISE"
            )
        nodes = _candidates(sourcing, enterprise_code, list(dict.fromkeys(q.sku for q in queries)))
        places: dict[str, Location] = {}
        now = sourcing.clock()
        answers: dict[DeliveryQuery, Sequence[DeliveryPromise]] = {}
        for query in queries:
            try:
                request = SourcingRequest(
                    enterprise_code=enterprise_code,
                    destination=Destination(postal_code=query.postal_code, country=self._country),
                    lines=(
                        CartLine(
                            line_id="1",
                            item_id=query.sku,
                            quantity=query.quantity,
                            hazmat=query.hazmat,
                        ),
                    ),
                )
            except ValidationError:
                raise BadRequest(
                    f"postal code {query.postal_code!r} is not a US ZIP code",
                    code="INVALID_POSTAL_CODE",
                ) from None
            if query.postal_code not in places:
                places[query.postal_code] = locate(query.postal_code, self._country)
            where = places[query.postal_code]
            answer = plan_options(
                request,
                choose_rule(rules, request),
                services=services,
                nodes=nodes,
                where=where,
                order_at=now,
            )
            answers[query] = tuple(
                DeliveryPromise(
                    level_of_service=o.level_of_service,
                    carrier_service_code=o.carrier_service_code or "",
                    delivery_date=o.delivery_date,
                    delivery_date_type=str(o.delivery_date_type),
                )
                for o in answer.options
            )
        return answers


def _candidates(
    sourcing: SourcingService, enterprise_code: str, skus: list[str]
) -> list[NodeSupply]:
    """Candidate nodes for every SKU, asked in chunks of inventory's batch limit."""
    nodes: dict[str, NodeSupply] = {}
    stock: dict[str, dict[str, float]] = {}
    for start in range(0, len(skus), INVENTORY_BATCH):
        for node in sourcing.availability.candidates(
            enterprise_code, skus[start : start + INVENTORY_BATCH]
        ):
            nodes.setdefault(node.node_id, node)
            stock.setdefault(node.node_id, {}).update(node.available)
    return [n.model_copy(update={"available": stock[n.node_id]}) for n in nodes.values()]
