"""Which nodes may serve a request, and why each other node may not: screened once per
request, since the reasons are the same for every level of service. Pure."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.sourcing.geo import Location, distance_miles
from shared.sourcing.model import (
    NodeSupply,
    RejectedNode,
    RejectReason,
    RuleCriteria,
    SourcingRequest,
    SourcingRule,
)


@dataclass(frozen=True)
class Eligible:
    node: NodeSupply
    stock: dict[str, float]
    distance: float
    priority: int


def describe(rule: SourcingRule) -> str:
    c = rule.criteria
    limit = f"at most {c.max_shipments} shipments" if c.max_shipments else "no shipment limit"
    return (
        f"{rule.fulfillment_type} to {rule.destination_type or 'any destination'} for seller "
        f"{rule.seller_code or 'any'}: node types {', '.join(c.node_types)} in priority order"
        + (f", node groups {', '.join(c.node_groups)}" if c.node_groups else "")
        + (f", within {c.max_distance_miles:g} miles" if c.max_distance_miles else "")
        + f", {limit}"
    )


def hazmat_reasons(request: SourcingRequest, catalog_hazmat: Mapping[str, str]) -> dict[str, str]:
    """Hazmat lines, each with how it is known: the client's flag (shown bare) or the
    catalog's note. Either one is enough: a storefront that forgets the flag must not
    get air offered for a fragrance."""
    return {
        line.line_id: line.line_id
        if line.hazmat
        else f"{line.line_id} ({catalog_hazmat[line.item_id]})"
        for line in request.lines
        if line.hazmat or line.item_id in catalog_hazmat
    }


def priority(c: RuleCriteria, n: NodeSupply) -> int:
    """The rule's order as the last tie-break: its first named group the node is in,
    then the node's type (lower is preferred)."""
    group = min((c.node_groups.index(g) for g in n.node_groups if g in c.node_groups), default=0)
    return group * len(c.node_types) + c.node_types.index(n.node_type)


def screen(
    request: SourcingRequest,
    rule: SourcingRule,
    nodes: Sequence[NodeSupply],
    where: Location,
    hazmat_items: frozenset[str] = frozenset(),
) -> tuple[list[Eligible], list[RejectedNode]]:
    """Eligible nodes with their usable stock, and why every other node was set aside."""
    c = rule.criteria
    capability = "PICKUP" if request.fulfillment_type == "PICKUP" else "SHIP"
    store = request.destination.store_id
    items = {line.item_id for line in request.lines}
    eligible: list[Eligible] = []
    rejected: list[RejectedNode] = []

    def reject(n: NodeSupply, reason: RejectReason, detail: str) -> None:
        rejected.append(RejectedNode(ship_node=n.node_id, reason=reason, detail=detail))

    for n in sorted(nodes, key=lambda n: n.node_id):
        miles = distance_miles(n.latitude, n.longitude, where.latitude, where.longitude)
        if n.defect is not None:
            reject(n, "UNREADABLE", n.defect)
        elif not n.active:
            reject(n, "INACTIVE", "the node is inactive")
        elif n.node_type not in c.node_types:
            reject(n, "NOT_ALLOWED_BY_RULE", f"node type {n.node_type} is not in the rule")
        elif c.node_groups and not set(c.node_groups) & set(n.node_groups):
            reject(n, "NOT_ALLOWED_BY_RULE", "the node is in none of the rule's node groups")
        elif capability not in n.capabilities:
            reject(n, "NOT_ALLOWED_BY_RULE", f"the node lacks the {capability} capability")
        elif store is not None and n.node_id != store:
            reject(n, "NOT_ALLOWED_BY_RULE", f"the shopper chose store {store}")
        elif c.max_distance_miles is not None and miles > c.max_distance_miles:
            reject(
                n,
                "NOT_ALLOWED_BY_RULE",
                f"{miles:.0f} miles away, beyond the rule's {c.max_distance_miles:g}",
            )
        else:
            stock = {i: q for i, q in n.available.items() if i in items and q > 0}
            usable = {i: q for i, q in stock.items() if n.hazmat_allowed or i not in hazmat_items}
            if usable:
                eligible.append(Eligible(n, usable, round(miles, 1), priority(c, n)))
            elif stock:
                reject(n, "HAZMAT", "the node holds only hazmat lines and may not ship them")
            else:
                reject(n, "NOT_ENOUGH_STOCK", "the node has none of the cart's items")
    return eligible, rejected


def nearest(nodes: Sequence[NodeSupply], where: Location, limit: int) -> set[str]:
    """The ``limit`` nodes nearest ``where``, and every distribution centre. Ranked by
    the equirectangular approximation (a fifth of a great-circle distance's cost, and the
    same order but at near-ties thousands of miles away), since it only prunes: every
    kept node is then measured exactly."""
    scale = math.cos(math.radians(where.latitude)) ** 2
    closest = heapq.nsmallest(
        limit,
        nodes,
        key=lambda n: (
            (n.latitude - where.latitude) ** 2 + scale * (n.longitude - where.longitude) ** 2
        ),
    )
    return {n.node_id for n in closest} | {n.node_id for n in nodes if n.node_type == "DC"}


def covers(
    request: SourcingRequest, node_ids: set[str], stock: Mapping[str, Mapping[str, float]]
) -> bool:
    """Whether ``node_ids`` together hold every line in full."""
    wanted: dict[str, int] = {}
    for line in request.lines:
        wanted[line.item_id] = wanted.get(line.item_id, 0) + line.quantity
    return all(
        sum(stock.get(n, {}).get(item, 0) for n in node_ids) >= qty for item, qty in wanted.items()
    )


def with_stock(
    nodes: Sequence[NodeSupply], stock: Mapping[str, Mapping[str, float]]
) -> list[NodeSupply]:
    return [n.model_copy(update={"available": dict(stock.get(n.node_id, {}))}) for n in nodes]
