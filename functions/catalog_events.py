"""Catalog cache invalidation: product and taxonomy changes, and inventory changes.

Both consumers are idempotent (version-guarded cache writes), so the host may replay a
batch; a batch that raises is retried by the host rather than skipped.
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions._events import envelopes
from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.catalog")


@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_CATALOG_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%CATALOG_CONSUMER_GROUP%",
)
def refresh_catalog_cache(events: list[func.EventHubEvent]) -> None:
    refreshed = (
        bootstrap.registry()
        .catalog()
        .apply_catalog_events(envelopes(events, consumer="refresh_catalog_cache"))
    )
    log.info("catalog consumer: refreshed %d product(s)", refreshed)


@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_INVENTORY_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%CATALOG_CONSUMER_GROUP%",
)
def refresh_catalog_availability(events: list[func.EventHubEvent]) -> None:
    refreshed = (
        bootstrap.registry()
        .catalog()
        .apply_inventory_events(envelopes(events, consumer="refresh_catalog_availability"))
    )
    log.info("catalog availability consumer: refreshed %d entries", refreshed)
