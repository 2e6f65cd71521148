"""The whole calculation for one request, pure: rule, nodes and services in, answer out.

Nodes are screened once (the reasons a node cannot serve are the same for every level of
service); each carrier service then dates every eligible node and the assignment picks
the nodes. Of several services of one level, the one with fewest shipments, then the
earliest date, then the shortest distance is offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.errors import RuleViolation
from shared.sourcing.assignment import Candidate, Line, Plan, plan_shipments
from shared.sourcing.dates import Promise, promise_delivery, ready_for_pickup
from shared.sourcing.geo import Location, distance_miles
from shared.sourcing.model import (
    CarrierService,
    Explanation,
    LevelOutcome,
    NodeSupply,
    RejectedNode,
    RejectReason,
    RuleCriteria,
    Shipment,
    SourcingAnswer,
    SourcingOption,
    SourcingRequest,
    SourcingRule,
)

PICKUP_LEVEL = "STORE_PICKUP"


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
        elif n.capacity_remaining is not None and n.capacity_remaining <= 0:
            reject(n, "PAST_CAPACITY", "the node has no capacity left today")
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


def _plan(
    lines: Sequence[Line],
    eligible: Sequence[Eligible],
    dated: Mapping[str, tuple[date, Promise | None]],
) -> Plan | None:
    candidates = [
        Candidate(e.node.node_id, e.stock, dated[e.node.node_id][0], e.distance, e.priority)
        for e in eligible
        if e.node.node_id in dated
    ]
    return plan_shipments(lines, candidates)


def _option(
    level: str,
    service: CarrierService | None,
    plan: Plan,
    dated: Mapping[str, tuple[date, Promise | None]],
    distances: dict[str, float],
) -> SourcingOption:
    shipments = []
    for node_id, quantities in plan.shipments:
        delivery, promise = dated[node_id]
        shipments.append(
            Shipment(
                ship_node=node_id,
                line_ids=tuple(quantities),
                quantities=quantities,
                ship_date=promise.ship_date if promise else delivery,
                pickup_at=promise.pickup_at if promise else None,
                delivery_date=delivery,
                distance_miles=distances[node_id],
            )
        )
    return SourcingOption(
        level_of_service=level,
        carrier_service_code=service.carrier_service_code if service else None,
        delivery_date=max(s.delivery_date for s in shipments),
        delivery_date_type=service.delivery_date_type if service else "ESTIMATED",
        shipments=tuple(shipments),
    )


def plan_options(
    request: SourcingRequest,
    rule: SourcingRule,
    *,
    services: Sequence[CarrierService],
    nodes: Sequence[NodeSupply],
    where: Location,
    order_at: datetime,
    catalog_hazmat: Mapping[str, str] | None = None,
) -> SourcingAnswer:
    """``catalog_hazmat``: items the catalog marks hazmat, each with the note the
    explanation shows (see ``hazmat_reasons``)."""
    hazmat_lines = hazmat_reasons(request, catalog_hazmat or {})
    hazmat_items = frozenset(x.item_id for x in request.lines if x.line_id in hazmat_lines)
    eligible, rejected = screen(request, rule, nodes, where, hazmat_items)
    lines = [Line(x.line_id, x.item_id, x.quantity) for x in request.lines]
    distances = {e.node.node_id: e.distance for e in eligible}
    limit = rule.criteria.max_shipments
    best: dict[str, tuple[tuple[int, date, float], SourcingOption]] = {}
    outcomes: list[LevelOutcome] = []
    plans: list[Plan] = []

    def consider(
        level: str, service: CarrierService | None, dated: Mapping[str, tuple[date, Promise | None]]
    ) -> None:
        code = service.carrier_service_code if service else None
        plan = _plan(lines, eligible, dated)
        if plan is None or not plan.shipments:
            outcomes.append(
                LevelOutcome(
                    level_of_service=level,
                    carrier_service_code=code,
                    offered=False,
                    reason="no eligible node can cover the cart",
                )
            )
            return
        plans.append(plan)
        if limit is not None and plan.size > limit:
            why = f"needs {plan.size} shipments; the rule allows at most {limit}"
            outcomes.append(
                LevelOutcome(
                    level_of_service=level, carrier_service_code=code, offered=False, reason=why
                )
            )
            return
        option = _option(level, service, plan, dated, distances)
        key = (plan.size, option.delivery_date, sum(s.distance_miles for s in option.shipments))
        outcomes.append(
            LevelOutcome(
                level_of_service=level,
                carrier_service_code=code,
                offered=True,
                reason=f"{plan.size} shipment(s), delivery {option.delivery_date.isoformat()}",
            )
        )
        if level not in best or key < best[level][0]:
            best[level] = (key, option)

    if request.fulfillment_type == "PICKUP":
        level = (
            rule.criteria.levels_of_service[0] if rule.criteria.levels_of_service else PICKUP_LEVEL
        )
        ready = {
            e.node.node_id: (ready_for_pickup(order_at, e.node.schedule), None) for e in eligible
        }
        consider(level, None, ready)
    for service in services if request.fulfillment_type == "SHIP" else ():
        level = service.level_of_service
        if request.levels_of_service and level not in request.levels_of_service:
            continue
        if rule.criteria.levels_of_service and level not in rule.criteria.levels_of_service:
            outcomes.append(
                LevelOutcome(
                    level_of_service=level,
                    carrier_service_code=service.carrier_service_code,
                    offered=False,
                    reason="the rule does not offer this level of service",
                )
            )
            continue
        if hazmat_lines and not service.is_hazmat:
            why = (
                f"hazmat line(s) {', '.join(hazmat_lines.values())}; "
                f"{service.carrier_service_code} carries no hazmat"
            )
            outcomes.append(
                LevelOutcome(
                    level_of_service=level,
                    carrier_service_code=service.carrier_service_code,
                    offered=False,
                    reason=why,
                )
            )
            continue
        dated: dict[str, tuple[date, Promise | None]] = {}
        for e in eligible:
            try:
                promise = promise_delivery(
                    order_at, e.node.schedule, service, service.transit_days_for(e.distance)
                )
            except RuleViolation:
                continue
            dated[e.node.node_id] = (promise.delivery_date, promise)
        consider(level, service, dated)

    heuristic = next((p for p in plans if p.method == "HEURISTIC"), None)
    shown = heuristic or (plans[0] if plans else None)
    return SourcingAnswer(
        options=tuple(
            sorted(
                (o for _, o in best.values()), key=lambda o: (o.delivery_date, o.level_of_service)
            )
        ),
        unavailable_lines=plans[0].unavailable if plans else unservable(lines, eligible),
        explanation=Explanation(
            rule_id=rule.id,
            rule=describe(rule),
            method=shown.method if shown else "EXACT",
            method_reason=shown.reason if shown else "no level of service could be planned",
            rejected_nodes=tuple(rejected),
            levels_of_service=tuple(outcomes),
        ),
    )


def unservable(lines: Sequence[Line], eligible: Sequence[Eligible]) -> tuple[str, ...]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.item_id] = totals.get(line.item_id, 0) + line.quantity
    return tuple(
        line.line_id
        for line in lines
        if sum(e.stock.get(line.item_id, 0) for e in eligible) < totals[line.item_id]
    )
