"""Catalog cache invalidation: product and taxonomy changes, and inventory changes.

Both consumers are idempotent (version-guarded cache writes), so the host may replay a
batch; a batch that raises is retried by the host rather than skipped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import azure.functions as func

from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.catalog")


def _bodies(events: list[func.EventHubEvent]) -> list[Any]:
    bodies = []
    for event in events:
        try:
            bodies.append(json.loads(event.get_body()))
        except ValueError:
            log.warning("catalog consumer: skipped an event that is not JSON")
    return bodies


@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_CATALOG_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%CATALOG_CONSUMER_GROUP%",
)
def refresh_catalog_cache(events: list[func.EventHubEvent]) -> None:
    refreshed = bootstrap.registry().catalog().apply_catalog_events(_bodies(events))
    log.info("catalog consumer: refreshed %d product(s)", refreshed)


@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_INVENTORY_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%CATALOG_CONSUMER_GROUP%",
)
def refresh_catalog_availability(events: list[func.EventHubEvent]) -> None:
    refreshed = bootstrap.registry().catalog().apply_inventory_events(_bodies(events))
    log.info("catalog availability consumer: refreshed %d entries", refreshed)
