"""Sourcing use cases: the calculator, and the carrier services and rules it reads.

Live availability comes through ``AvailabilitySource``, a port this context defines and
the composition root implements over the inventory service, so sourcing never imports
another context. Other contexts get promises through the same public calls: one cart
(``calculate_options``) or a page of them (``calculate_options_many``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.errors import DomainError, RuleViolation, Unavailable
from shared.events import EventEnvelope, new_event
from shared.ports import Clock, EventPublisher
from shared.preconditions import IfMatch
from shared.sourcing.capacity import NEXT_DAYS, CapacityLedger, UsageTable
from shared.sourcing.charges import Money
from shared.sourcing.geo import Location, locate, postal_prefix
from shared.sourcing.model import (
    CarrierService,
    NodeSupply,
    SourcingAnswer,
    SourcingRequest,
    SourcingRule,
    Versioned,
)
from shared.sourcing.options import Pricing
from shared.sourcing.orders import CapacityResult, apply_order_events, node_zones
from shared.sourcing.planner import plan_options
from shared.sourcing.repository import SourcingRepository
from shared.sourcing.screening import covers, nearest, with_stock

log = logging.getLogger("shared.sourcing")

EVENT_TYPE = "SourcingOptionsCalculated"
ORDER_DATE_WINDOW = timedelta(days=366)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_DESTINATION = {"SHIP": "RESIDENTIAL", "PICKUP": "STORE"}
USAGE_WINDOW_DAYS = NEXT_DAYS + 32
"""Days of capacity usage read for a calculation: the days a node's processing days
(at most 30) and the full days tried after them can reach."""


class AvailabilitySource(Protocol):
    def nodes(self, enterprise_code: str) -> list[NodeSupply]:
        """Every node of the enterprise, without stock (``available`` empty)."""
        ...

    def stock(
        self, enterprise_code: str, item_ids: Sequence[str], ship_nodes: Collection[str] | None
    ) -> dict[str, dict[str, float]]:
        """Live (uncapped) availability ``node -> item -> units`` of ``item_ids`` at
        ``ship_nodes`` (every node when ``None``)."""
        ...


@dataclass(frozen=True)
class ItemFacts:
    """What sourcing must know of an item beyond the cart line: the catalog's word."""

    hazmat: bool
    weight_grams: int | None


class ItemLookup(Protocol):
    def item_facts(self, item_ids: Sequence[str]) -> Mapping[str, ItemFacts]:
        """Facts of the items the lookup knows; an unknown item is absent. Raises
        ``DomainError`` when it cannot answer."""
        ...


class FreeShippingThresholds(Protocol):
    def thresholds(self, enterprise_code: str) -> Mapping[str, Money]:
        """The merchandise value from which a level of service ships free; a level not
        named has no threshold. Raises ``DomainError`` when it cannot answer."""
        ...


CATALOG_HAZMAT = "hazmat in the catalog"
CATALOG_DOWN = "catalog unavailable, treated as hazmat"


def choose_rule(rules: Sequence[SourcingRule], request: SourcingRequest) -> SourcingRule:
    """The most specific matching rule: a seller match outranks a destination match,
    which outranks a wildcard."""
    destination = request.destination.type or DEFAULT_DESTINATION[request.fulfillment_type]
    matching = [
        r
        for r in rules
        if r.fulfillment_type == request.fulfillment_type
        and r.seller_code in (None, request.seller_code)
        and r.destination_type in (None, destination)
    ]
    if not matching:
        raise RuleViolation(
            f"no sourcing rule for enterprise {request.enterprise_code!r}, "
            f"{request.fulfillment_type} to {destination}"
            + (f", seller {request.seller_code!r}" if request.seller_code else ""),
            code="NO_SOURCING_RULE",
        )
    return min(
        matching,
        key=lambda r: (r.seller_code is None, r.destination_type is None, r.id),
    )


class SourcingService:
    def __init__(
        self,
        repo: SourcingRepository,
        availability: AvailabilitySource,
        events: EventPublisher,
        *,
        hub: str,
        service_id: str,
        clock: Clock,
        default_weight_grams: int,
        max_candidates: int,
        publish_timeout: float,
        items: ItemLookup | None = None,
        free_shipping: FreeShippingThresholds | None = None,
        capacity: CapacityLedger | None = None,
    ) -> None:
        """``publish_timeout``: the deadline of the analytics event a shopper's request
        waits for (``EVENTS_INLINE_TIMEOUT_SECONDS``)."""
        self.repo = repo
        self.publish_timeout = publish_timeout
        self.availability = availability
        self.items = items
        self.free_shipping = free_shipping
        self.capacity = capacity
        self.max_candidates = max_candidates
        self.default_weight_grams = default_weight_grams
        self.events = events
        self.hub = hub
        self.service_id = service_id
        self.clock = clock

    # --- node capacity ----------------------------------------------------------------
    def apply_order_events(self, events: Sequence[EventEnvelope]) -> CapacityResult:
        """Count placed orders against their nodes' days and give back cancelled ones
        (``shared/sourcing/orders.py``); nothing without a capacity ledger."""
        if self.capacity is None:
            return CapacityResult(counted=0, released=0, skipped=0)
        zones: dict[str, dict[str, str]] = {}

        def zones_of(enterprise: str) -> dict[str, str]:
            if enterprise not in zones:
                zones[enterprise] = node_zones(self.availability.nodes(enterprise))
            return zones[enterprise]

        return apply_order_events(self.capacity, events, zones_of)

    # --- the calculator ---------------------------------------------------------------
    def calculate_options(self, request: SourcingRequest) -> SourcingAnswer:
        """One cart, as a shopper asks for it; the answer is published (analytics)."""
        [answer] = self._answer([request])
        self._publish(request, answer)
        return answer

    def calculate_options_many(
        self, requests: Sequence[SourcingRequest], *, check_hazmat: bool = True
    ) -> list[SourcingAnswer]:
        """Answers in request order, for a page of promises (a product listing).

        ``check_hazmat=False`` takes the lines' hazmat flags as they are: for a caller
        that owns the flags (the catalog, whose variants carry them), where asking the
        catalog again would cost a lookup per SKU of the page.

        Per enterprise in the batch: one read of carrier services, one of rules and one
        availability read for every item, whatever the batch size; each destination is
        located once. Publishes nothing: these are browsing estimates recomputed on every
        page view, not a shopper's cart (docs/sourcing.md, Events). An invalid request
        fails the whole batch with its ``DomainError``, as the single call would.
        """
        return self._answer(requests, check_hazmat=check_hazmat)

    def _answer(
        self, requests: Sequence[SourcingRequest], *, check_hazmat: bool = True
    ) -> list[SourcingAnswer]:
        now = self.clock.now()
        facts, catalog_hazmat = (
            self._catalog_facts([line.item_id for r in requests for line in r.lines])
            if check_hazmat
            else ({}, {})
        )
        order_at = [_order_instant(r, now) for r in requests]
        places: dict[tuple[str, str], Location] = {}
        for r in requests:
            where = (r.destination.postal_code, r.destination.country)
            if where not in places:
                places[where] = locate(*where)
        by_enterprise: dict[str, list[int]] = {}
        for index, r in enumerate(requests):
            by_enterprise.setdefault(r.enterprise_code, []).append(index)
        answers: dict[int, SourcingAnswer] = {}
        for enterprise, indices in by_enterprise.items():
            services = self.repo.list_carrier_services(enterprise)
            rules = self.repo.list_rules(enterprise)
            if not services and not rules:
                raise RuleViolation(
                    f"unknown enterprise {enterprise!r}: it has no carrier services or rules",
                    code="UNKNOWN_ENTERPRISE",
                    details={"field": "enterpriseCode"},
                )
            chosen = {i: choose_rule(rules, requests[i]) for i in indices}
            thresholds = self._thresholds(enterprise)
            items = list(dict.fromkeys(line.item_id for i in indices for line in requests[i].lines))
            candidates = self._candidates(
                enterprise, items, [(requests[i], places[_where(requests[i])]) for i in indices]
            )
            usage = self._usage([n for ns in candidates for n in ns], now)
            for i, nodes in zip(indices, candidates, strict=True):
                r = requests[i]
                answers[i] = plan_options(
                    r,
                    chosen[i],
                    services=services,
                    nodes=nodes,
                    where=places[_where(r)],
                    order_at=order_at[i],
                    catalog_hazmat=catalog_hazmat,
                    pricing=Pricing(self._unit_grams(r, facts), thresholds),
                    usage=usage,
                )
        return [answers[i] for i in range(len(requests))]

    def _candidates(
        self,
        enterprise: str,
        items: Sequence[str],
        carts: Sequence[tuple[SourcingRequest, Location]],
    ) -> list[list[NodeSupply]]:
        """Each cart's candidate nodes with their stock. Beyond ``max_candidates`` nodes,
        a cart considers its nearest ones and every distribution centre (dates, charges
        and the rules all favour them), so stock is read and dates computed for a bounded
        set whatever the network's size; a cart those nodes cannot cover considers every
        node. One stock read for the batch, and one more only for such a cart."""
        skeletons = self.availability.nodes(enterprise)
        if len(skeletons) <= self.max_candidates:
            stock = self.availability.stock(enterprise, items, None)
            return [with_stock(skeletons, stock)] * len(carts)
        near = [nearest(skeletons, where, self.max_candidates) for _, where in carts]
        stock = self.availability.stock(enterprise, items, set().union(*near))
        everywhere: dict[str, dict[str, float]] | None = None
        out: list[list[NodeSupply]] = []
        for (request, _), ids in zip(carts, near, strict=True):
            if covers(request, ids, stock):
                out.append(with_stock([n for n in skeletons if n.node_id in ids], stock))
                continue
            if everywhere is None:
                everywhere = self.availability.stock(enterprise, items, None)
            out.append(with_stock(skeletons, everywhere))
        return out

    def _catalog_facts(
        self, item_ids: Sequence[str]
    ) -> tuple[Mapping[str, ItemFacts], dict[str, str]]:
        """The catalog's facts, and the items it marks hazmat with the note the
        explanation shows. When the catalog cannot answer, every item counts as hazmat:
        the cart still gets the services that carry hazmat, never an air service that may
        not (and unknown weights weigh the default)."""
        if self.items is None or not item_ids:
            return {}, {}
        items = list(dict.fromkeys(item_ids))
        try:
            facts = self.items.item_facts(items)
        except DomainError as exc:
            log.warning("item lookup failed, every line treated as hazmat: %s", exc.message)
            return {}, dict.fromkeys(items, CATALOG_DOWN)
        return facts, {i: CATALOG_HAZMAT for i, f in facts.items() if f.hazmat}

    def _unit_grams(
        self, request: SourcingRequest, facts: Mapping[str, ItemFacts]
    ) -> dict[str, int]:
        """Each line's unit weight: the line's own, else the catalog's, else the default."""
        out: dict[str, int] = {}
        for line in request.lines:
            known = facts.get(line.item_id)
            weight = line.weight_grams
            if weight is None and known is not None:
                weight = known.weight_grams
            out[line.line_id] = self.default_weight_grams if weight is None else weight
        return out

    def _usage(self, nodes: Sequence[NodeSupply], now: datetime) -> UsageTable:
        """Capacity usage of the days a promise may land on, in one query; none to read
        when no node has a limit."""
        if self.capacity is None or not any(
            n.daily_capacity is not None or n.capacity_by_level for n in nodes
        ):
            return {}
        return self.capacity.usage((now - timedelta(days=1)).date(), USAGE_WINDOW_DAYS)

    def _thresholds(self, enterprise: str) -> Mapping[str, Money]:
        """Free-shipping thresholds; when ConfigHub cannot answer, none apply (the shopper
        sees the full charge rather than no answer at all)."""
        if self.free_shipping is None:
            return {}
        try:
            return self.free_shipping.thresholds(enterprise)
        except DomainError as exc:
            log.warning("free-shipping thresholds unavailable, none applied: %s", exc.message)
            return {}

    def _publish(self, request: SourcingRequest, answer: SourcingAnswer) -> None:
        """Analytics, not a transaction: a shopper still gets an answer when the hub is
        down. The payload carries no personal data (a 3-digit ZIP prefix only)."""
        payload: dict[str, Any] = {
            "enterpriseCode": request.enterprise_code,
            "sellerCode": request.seller_code,
            "fulfillmentType": request.fulfillment_type,
            "destinationPrefix": postal_prefix(request.destination.postal_code),
            "destinationCountry": request.destination.country.upper(),
            "itemIds": sorted({line.item_id for line in request.lines}),
            "lineCount": len(request.lines),
            "unavailableLineCount": len(answer.unavailable_lines),
            "ruleId": answer.explanation.rule_id,
            "method": answer.explanation.method,
            "options": [
                {
                    "levelOfService": o.level_of_service,
                    "carrierServiceCode": o.carrier_service_code,
                    "deliveryDate": o.delivery_date.isoformat(),
                    "shipments": len(o.shipments),
                }
                for o in answer.options
            ],
        }
        now = self.clock.now()
        event = new_event(
            EVENT_TYPE,
            service_id=self.service_id,
            subject=request.enterprise_code,
            # Microseconds since the epoch: a later answer of an enterprise ranks higher.
            version=(now - EPOCH) // timedelta(microseconds=1),
            payload=payload,
            timestamp=now,
        )
        try:
            self.events.publish(self.hub, [event.to_wire()], timeout=self.publish_timeout)
        except Unavailable as exc:
            log.warning("%s not published: %s", EVENT_TYPE, exc.message)

    # --- carrier services and rules -------------------------------------------------
    # A PUT creates or replaces; ``if_match`` (the client's If-Match) must hold for the
    # version stored now, and a missing document holds for none (412, ETAG_MISMATCH).
    def get_carrier_service(
        self, id: str, enterprise_code: str | None = None
    ) -> Versioned[CarrierService]:
        return self.repo.get_carrier_service(id, enterprise_code)

    def put_carrier_service(
        self, id: str, service: CarrierService, if_match: IfMatch | None = None
    ) -> Versioned[CarrierService]:
        _same_id(id, service.id)
        return self.repo.put_carrier_service(service, if_match)

    def get_sourcing_rule(
        self, id: str, enterprise_code: str | None = None
    ) -> Versioned[SourcingRule]:
        return self.repo.get_rule(id, enterprise_code)

    def put_sourcing_rule(
        self, id: str, rule: SourcingRule, if_match: IfMatch | None = None
    ) -> Versioned[SourcingRule]:
        _same_id(id, rule.id)
        return self.repo.put_rule(rule, if_match)


def _where(request: SourcingRequest) -> tuple[str, str]:
    return request.destination.postal_code, request.destination.country


def _order_instant(request: SourcingRequest, now: datetime) -> datetime:
    order_at = request.order_date or now
    if abs(order_at - now) > ORDER_DATE_WINDOW:
        raise RuleViolation(
            "orderDate must be within 366 days of now",
            code="ORDER_DATE_OUT_OF_RANGE",
            details={"field": "orderDate"},
        )
    return order_at


def _same_id(route_id: str, body_id: str) -> None:
    if route_id != body_id:
        raise RuleViolation(
            f"the body's id {body_id!r} differs from the URL's {route_id!r}",
            code="ID_MISMATCH",
            details={"field": "id"},
        )
