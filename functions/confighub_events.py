"""ConfigHub background triggers: the outbox relay timer and the change-event consumer.

The timer sends whatever the after-commit relay could not (hub down, process gone); the
consumer drops cached Spring environments of the application an event names, so every
instance of the app serves fresh configuration on its next read.
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions._events import envelopes
from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.confighub")


@bp.timer_trigger(
    schedule="*/15 * * * * *", arg_name="timer", run_on_startup=False, use_monitor=False
)
def relay_confighub_outbox(timer: func.TimerRequest) -> None:
    sent = bootstrap.registry().confighub().relay_outbox()
    if sent:
        log.info("confighub outbox relay sent %d event(s)", sent)


@bp.retry(
    strategy="exponential_backoff",
    max_retry_count="10",
    minimum_interval="00:00:01",
    maximum_interval="00:01:00",
)
@bp.event_hub_message_trigger(
    arg_name="events",
    event_hub_name="%HUB_CONFIG_UPDATES%",
    connection="EventHubConnection",
    cardinality="many",
    consumer_group="%CONFIGHUB_CONSUMER_GROUP%",
)
def invalidate_confighub_cache(events: list[func.EventHubEvent]) -> None:
    """A cache outage does not fail the batch: the cache remembers the invalidation it
    could not write and makes it before Redis serves again. The retry policy is for
    anything else that raises."""
    batch = envelopes(events, consumer="invalidate_confighub_cache")
    applications = bootstrap.registry().confighub().handle_config_events(batch)
    log.info("confighub consumer: invalidated %s", ", ".join(applications) or "nothing")
