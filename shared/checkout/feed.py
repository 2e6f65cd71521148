"""The change feed of ``orders`` is the outbox of the order events.

An order that reached PLACED is due an ``OrderPlaced``; one that reached CANCELLED an
``OrderCancelled`` too (the feed delivers a document's latest version only, so an order
cancelled before the feed saw it placed gets both, in order). Each event goes to the
order hub with the order id as partition key, its id derived from (type, order) and its
version fixed by type (placed 1, cancelled 2): a replayed batch publishes the very same
events, which consumers drop. Publishing comes first, then the order records what was
published (``events.<type>``, once; the order shows it); a crash in between publishes
again, never loses one. The payload carries no address or card.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shared.checkout.model import OrderStatus, ShopperKind
from shared.checkout.repository import CheckoutRepository
from shared.checkout.rules import event_id
from shared.checkout.stored import ORDER_EVENTS, PublishedEvent, StoredOrder
from shared.events import EventEnvelope
from shared.ports import SYSTEM_FIELDS, Clock, EventPublisher

log = logging.getLogger("shared.checkout")

ORDER_PLACED, ORDER_CANCELLED = ORDER_EVENTS
VERSIONS = {event_type: n for n, event_type in enumerate(ORDER_EVENTS, start=1)}


@dataclass(frozen=True)
class FeedResult:
    orders: int
    published: int


class OrderFeed:
    def __init__(
        self,
        repo: CheckoutRepository,
        events: EventPublisher,
        clock: Clock,
        *,
        hub: str,
        service_id: str,
    ) -> None:
        self._repo = repo
        self._events = events
        self._clock = clock
        self.hub = hub
        self.service_id = service_id

    def process(self, documents: Sequence[Mapping[str, Any]]) -> FeedResult:
        """Raises on any failure to publish, so the host retries the whole batch."""
        orders = [o for doc in documents if (o := _order(doc)) is not None]
        due = [(o, t) for o in orders for t in due_events(o)]
        if not due:
            return FeedResult(len(orders), 0)
        self._events.publish(self.hub, [envelope(o, t, self.service_id).to_wire() for o, t in due])
        now = self._clock.now()
        for order, event_type in due:
            record = PublishedEvent(event_id=event_id(event_type, order.order_id), published_at=now)
            self._repo.mark_published(order.order_id, event_type, record)
        return FeedResult(len(orders), len(due))


def _order(doc: Mapping[str, Any]) -> StoredOrder | None:
    try:
        return StoredOrder.model_validate({k: v for k, v in doc.items() if k not in SYSTEM_FIELDS})
    except ValidationError as exc:
        log.warning("orders document %s skipped by the feed: %s", doc.get("id"), exc.errors()[0])
        return None


def due_events(order: StoredOrder) -> list[str]:
    """The events the order's state calls for that it has not recorded as published."""
    wanted: list[str] = []
    if order.placed_at is not None:
        wanted.append(ORDER_PLACED)
    if order.status is OrderStatus.CANCELLED:
        wanted.append(ORDER_CANCELLED)
    return [t for t in wanted if t not in order.events]


def envelope(order: StoredOrder, event_type: str, service_id: str) -> EventEnvelope:
    at = order.cancelled_at if event_type == ORDER_CANCELLED else order.placed_at
    assert at is not None
    return EventEnvelope(
        event_id=event_id(event_type, order.order_id),
        event_type=event_type,
        timestamp=at,
        service_id=service_id,
        subject=order.order_id,
        version=VERSIONS[event_type],
        payload=payload(order, event_type),
    )


def payload(order: StoredOrder, event_type: str) -> dict[str, Any]:
    """The same for every delivery of one event: it says what the event says, whatever
    the order became since."""
    customer = order.owner.id if order.owner.kind is ShopperKind.CUSTOMER else None
    cancelled = event_type == ORDER_CANCELLED
    return {
        "orderId": order.order_id,
        "orderNumber": order.order_number,
        "status": (OrderStatus.CANCELLED if cancelled else OrderStatus.PLACED).value,
        "owner": order.owner.kind.value,
        "customerId": customer,
        "enterpriseCode": order.enterprise_code,
        "lines": [
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "unitPrice": line.unit_price.model_dump(mode="json"),
                "shipNode": line.ship_node,
            }
            for line in order.lines
        ],
        "totals": order.totals.model_dump(mode="json", by_alias=True),
        "delivery": {
            "levelOfService": order.delivery.level_of_service,
            "carrierServiceCode": order.delivery.carrier_service_code,
            "promisedDate": order.delivery.promised_date.isoformat(),
            "shipments": [
                {
                    "shipNode": s.ship_node,
                    "shipDate": s.ship_date.isoformat(),
                    "deliveryDate": s.delivery_date.isoformat(),
                }
                for s in order.delivery.shipments
            ],
        },
        "placedAt": order.placed_at.isoformat() if order.placed_at else None,
        "cancelledAt": order.cancelled_at.isoformat() if cancelled and order.cancelled_at else None,
    }
