"""Node capacity from the order events: each ``OrderPlaced`` counts against the local
day each of its packages ships from its node, each ``OrderCancelled`` gives it back.

Idempotent per (order, node, day), so the host may replay a batch; a batch that raises
(the store unreachable) is retried by the host rather than skipped.
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions._events import envelopes
from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.sourcing")


@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_ORDER_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%SOURCING_CONSUMER_GROUP%",
)
def count_node_capacity(events: list[func.EventHubEvent]) -> None:
    result = (
        bootstrap.registry()
        .sourcing()
        .apply_order_events(envelopes(events, consumer="count_node_capacity"))
    )
    log.info(
        "capacity consumer: %d counted, %d given back, %d skipped",
        result.counted,
        result.released,
        result.skipped,
    )
