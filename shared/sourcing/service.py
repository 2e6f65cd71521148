"""Sourcing use cases: the calculator, and the carrier services and rules it reads.

Live availability comes through ``AvailabilitySource``, a port this context defines and
the composition root implements over the inventory service, so sourcing never imports
another context. Other contexts get promises through the same public calls: one cart
(``calculate_options``) or a page of them (``calculate_options_many``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.errors import DomainError, RuleViolation, Unavailable
from shared.events import new_event
from shared.ports import Clock, EventPublisher
from shared.preconditions import IfMatch
from shared.sourcing.geo import Location, locate, postal_prefix
from shared.sourcing.model import (
    CarrierService,
    NodeSupply,
    SourcingAnswer,
    SourcingRequest,
    SourcingRule,
    Versioned,
)
from shared.sourcing.planner import plan_options
from shared.sourcing.repository import SourcingRepository

log = logging.getLogger("shared.sourcing")

EVENT_TYPE = "SourcingOptionsCalculated"
ORDER_DATE_WINDOW = timedelta(days=366)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_DESTINATION = {"SHIP": "RESIDENTIAL", "PICKUP": "STORE"}


class AvailabilitySource(Protocol):
    def candidates(self, enterprise_code: str, item_ids: Sequence[str]) -> list[NodeSupply]:
        """Every node of the enterprise, with live availability of ``item_ids``."""
        ...


class HazmatLookup(Protocol):
    def hazmat_items(self, item_ids: Sequence[str]) -> frozenset[str]:
        """The items among ``item_ids`` that are hazardous materials; an item the
        lookup does not know is not. Raises ``DomainError`` when it cannot answer."""
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
        publish_timeout: float,
        hazmat: HazmatLookup | None = None,
    ) -> None:
        """``publish_timeout``: the deadline of the analytics event a shopper's request
        waits for (``EVENTS_INLINE_TIMEOUT_SECONDS``)."""
        self.repo = repo
        self.publish_timeout = publish_timeout
        self.availability = availability
        self.hazmat = hazmat
        self.events = events
        self.hub = hub
        self.service_id = service_id
        self.clock = clock

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
        catalog_hazmat = (
            self._catalog_hazmat([line.item_id for r in requests for line in r.lines])
            if check_hazmat
            else {}
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
            items = dict.fromkeys(line.item_id for i in indices for line in requests[i].lines)
            nodes = self.availability.candidates(enterprise, list(items))
            for i in indices:
                r = requests[i]
                answers[i] = plan_options(
                    r,
                    chosen[i],
                    services=services,
                    nodes=nodes,
                    where=places[(r.destination.postal_code, r.destination.country)],
                    order_at=order_at[i],
                    catalog_hazmat=catalog_hazmat,
                )
        return [answers[i] for i in range(len(requests))]

    def _catalog_hazmat(self, item_ids: Sequence[str]) -> dict[str, str]:
        """Items the catalog marks hazmat, with the note the explanation shows. When the
        catalog cannot answer, every item counts as hazmat: the cart still gets the
        services that carry hazmat, never an air service that may not."""
        if self.hazmat is None or not item_ids:
            return {}
        items = list(dict.fromkeys(item_ids))
        try:
            return dict.fromkeys(self.hazmat.hazmat_items(items), CATALOG_HAZMAT)
        except DomainError as exc:
            log.warning("hazmat lookup failed, every line treated as hazmat: %s", exc.message)
            return dict.fromkeys(items, CATALOG_DOWN)

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
