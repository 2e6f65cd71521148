"""The change feed of the products container is the local catalog's outbox.

An admin write, the seeder and a taxonomy change only write the container; the trigger
on its change feed (``functions/catalog_feed.py``) announces what changed. So a write
that committed is announced however the bus fares when it commits (the feed retries a
batch until it is published, never skipping one), and a write never waits for the bus
or fails because of it. A product change is ``ProductChanged`` with the product as
partition key; a category or a brand change is ``CategoriesChanged`` or ``BrandsChanged``
on one partition key each (the consumers reload the whole list).

The feed delivers the latest version of each changed document, so writes to one product
while the bus is down are announced once, at the version they reached: consumers read
state, not deltas. Event ids are derived from (type, id, version), which a replayed
batch does not move: a replay carries the ids consumers have seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.catalog.sources.stored import (
    StoredBrand,
    StoredCategory,
    StoredChange,
    StoredProduct,
    changed_documents,
)
from shared.events import EventEnvelope
from shared.ports import Clock, EventPublisher

PRODUCT_CHANGED = "ProductChanged"
CATEGORIES_CHANGED = "CategoriesChanged"
BRANDS_CHANGED = "BrandsChanged"
_EVENT_NS = uuid.UUID("0c5f7a52-7f43-4f38-9d0e-6b1f4bd2a1c9")
PUBLISH_CHUNK = 500
"""Envelopes per publish: well under what one Event Hubs batch of small events holds."""


def catalog_event_id(event_type: str, entity_id: str, version: int) -> str:
    return str(uuid.uuid5(_EVENT_NS, f"{event_type}|{entity_id}|{version}"))


def change_event(change: StoredChange, *, service_id: str, now: datetime) -> EventEnvelope:
    """The announcement of one changed document."""
    if change.doc_type == StoredProduct.DOC_TYPE:
        event_type, subject = PRODUCT_CHANGED, change.entity_id
        payload: dict[str, Any] = {
            "productId": change.entity_id,
            "version": change.version,
            "slug": change.slug,
        }
    elif change.doc_type == StoredCategory.DOC_TYPE:
        event_type = subject = CATEGORIES_CHANGED
        payload = {"categoryId": change.entity_id, "version": change.version}
    else:
        assert change.doc_type == StoredBrand.DOC_TYPE
        event_type = subject = BRANDS_CHANGED
        payload = {"brandId": change.entity_id, "version": change.version}
    return EventEnvelope(
        event_id=catalog_event_id(event_type, change.entity_id, change.version),
        event_type=event_type,
        timestamp=now,
        service_id=service_id,
        subject=subject,
        version=change.version,
        payload=payload,
    )


@dataclass(frozen=True)
class FeedResult:
    published: int


class CatalogFeed:
    def __init__(self, events: EventPublisher, clock: Clock, *, hub: str, service_id: str) -> None:
        self._events = events
        self._clock = clock
        self.hub = hub
        self.service_id = service_id

    def process(self, documents: Sequence[Mapping[str, Any]]) -> FeedResult:
        """Raises when the bus does: the host retries the whole batch, and a retry
        publishes the same ids."""
        now = self._clock.now()
        envelopes = [
            change_event(c, service_id=self.service_id, now=now).to_wire()
            for c in changed_documents(documents)
        ]
        for start in range(0, len(envelopes), PUBLISH_CHUNK):
            self._events.publish(self.hub, envelopes[start : start + PUBLISH_CHUNK])
        return FeedResult(len(envelopes))
