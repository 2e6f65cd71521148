"""The whole calculation for one request, pure: rule, nodes and services in, answer out.

Nodes are screened once (the reasons a node cannot serve are the same for every level of
service); each carrier service then dates every eligible node and the assignment picks
the nodes; the plan is priced (``charges``). Of several services of one level, the one
with fewest shipments, then the earliest date, then the lowest charge, then the shortest
distance is offered; an option another dominates (no sooner and no cheaper) is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from shared.errors import RuleViolation
from shared.sourcing.assignment import Candidate, Line, Plan, plan_shipments
from shared.sourcing.capacity import NEXT_DAYS, PromiseMemo, UsageTable, within_capacity
from shared.sourcing.charges import dominated
from shared.sourcing.dates import Promise
from shared.sourcing.geo import Location
from shared.sourcing.model import (
    CarrierService,
    Explanation,
    LevelOutcome,
    NodeSupply,
    RejectedNode,
    SourcingAnswer,
    SourcingOption,
    SourcingRequest,
    SourcingRule,
)
from shared.sourcing.options import Pricing, offer_of, priced_option, withdrawn
from shared.sourcing.pickup import PICKUP_LEVEL, pickup_stores, ready_by
from shared.sourcing.screening import Eligible, describe, hazmat_reasons, screen


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


def plan_options(
    request: SourcingRequest,
    rule: SourcingRule,
    *,
    services: Sequence[CarrierService],
    nodes: Sequence[NodeSupply],
    where: Location,
    order_at: datetime,
    catalog_hazmat: Mapping[str, str] | None = None,
    pricing: Pricing | None = None,
    usage: UsageTable | None = None,
) -> SourcingAnswer:
    """``catalog_hazmat``: items the catalog marks hazmat, each with the note the
    explanation shows (see ``hazmat_reasons``); ``pricing``: weights and thresholds."""
    prices = pricing or Pricing()
    memo: PromiseMemo = {}
    full: dict[str, str] = {}
    """Nodes at capacity for a level of service on every day tried, with that level."""
    hazmat_lines = hazmat_reasons(request, catalog_hazmat or {})
    hazmat_items = frozenset(x.item_id for x in request.lines if x.line_id in hazmat_lines)
    eligible, rejected = screen(request, rule, nodes, where, hazmat_items)
    lines = [Line(x.line_id, x.item_id, x.quantity) for x in request.lines]
    distances = {e.node.node_id: e.distance for e in eligible}
    limit = rule.criteria.max_shipments
    best: dict[str, tuple[tuple[int, date, Decimal, float], SourcingOption]] = {}
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
        option = priced_option(
            level,
            service,
            plan,
            dated,
            distances=distances,
            pricing=prices,
            subtotal=request.subtotal,
        )
        if isinstance(option, str):
            outcomes.append(
                LevelOutcome(
                    level_of_service=level, carrier_service_code=code, offered=False, reason=option
                )
            )
            return
        key = (
            plan.size,
            option.delivery_date,
            option.charge.amount,
            sum(s.distance_miles for s in option.shipments),
        )
        charge = "free" if option.free_shipping else f"{option.charge.amount:.2f}"
        outcomes.append(
            LevelOutcome(
                level_of_service=level,
                carrier_service_code=code,
                offered=True,
                reason=(
                    f"{plan.size} shipment(s), delivery {option.delivery_date.isoformat()}, "
                    f"charge {charge}"
                ),
            )
        )
        if level not in best or key < best[level][0]:
            best[level] = (key, option)

    if request.fulfillment_type == "PICKUP":
        level = (
            rule.criteria.levels_of_service[0] if rule.criteria.levels_of_service else PICKUP_LEVEL
        )
        ready: dict[str, tuple[date, Promise | None]] = {}
        for e in eligible:
            try:
                ready[e.node.node_id] = (ready_by(order_at, e.node.schedule).date(), None)
            except RuleViolation:
                continue
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
                promise = within_capacity(order_at, e, service, usage, memo)
            except RuleViolation:
                continue
            if promise is None:
                full.setdefault(e.node.node_id, level)
                continue
            dated[e.node.node_id] = (promise.delivery_date, promise)
        consider(level, service, dated)
    rejected = sorted(
        [
            *rejected,
            *(
                RejectedNode(
                    ship_node=node_id,
                    reason="PAST_CAPACITY",
                    detail=f"at capacity for {level} on each of its next {NEXT_DAYS + 1} days",
                )
                for node_id, level in full.items()
            ),
        ],
        key=lambda r: r.ship_node,
    )

    offered = [o for _, o in best.values()]
    beaten = dominated([offer_of(o) for o in offered])
    outcomes = [withdrawn(x, beaten, best) for x in outcomes]
    heuristic = next((p for p in plans if p.method == "HEURISTIC"), None)
    shown = heuristic or (plans[0] if plans else None)
    wanted: dict[str, int] = {}
    for x in request.lines:
        wanted[x.item_id] = wanted.get(x.item_id, 0) + x.quantity
    stores = (
        pickup_stores(
            eligible,
            wanted,
            order_at,
            hold_days=rule.criteria.pickup_hold_days,
            limit=rule.criteria.max_pickup_stores,
        )
        if request.fulfillment_type == "PICKUP"
        else ()
    )
    return SourcingAnswer(
        pickup_stores=stores,
        options=tuple(
            sorted(
                (o for o in offered if o.level_of_service not in beaten),
                key=lambda o: (o.delivery_date, o.charge.amount, o.level_of_service),
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
