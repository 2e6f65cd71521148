"""Background triggers: the inventory change feed (the outbox) and reservation expiry."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.inventory")


@bp.function_name("inventory_change_feed")
@bp.retry(
    strategy="exponential_backoff",
    max_retry_count="-1",
    minimum_interval="00:00:02",
    maximum_interval="00:05:00",
)
@bp.cosmos_db_trigger(
    arg_name="documents",
    container_name="%COSMOS_CONTAINER_INVENTORY%",
    database_name="%COSMOS_DATABASE%",
    connection="CosmosConnection",
    lease_container_name="%COSMOS_CONTAINER_LEASES%",
    create_lease_container_if_not_exists=False,
)
def inventory_change_feed(documents: func.DocumentList) -> None:
    """Raises on failure: the retry policy (unlimited, backing off to five minutes)
    makes the host retry the batch and never skip it, in Azure as in the devhost. The lease
    container comes from infrastructure: with Entra (RBAC) data-plane access the
    trigger could not create it."""
    docs = [dict(d) for d in documents]
    result = bootstrap.registry().inventory().feed.process(docs)
    log.info(
        "inventory change feed: %d changed, %d events, %d boundary events",
        result.changed,
        result.published,
        result.boundaries,
    )


@bp.function_name("inventory_expire_reservations")
@bp.timer_trigger(
    schedule="%INVENTORY_EXPIRY_SCHEDULE%",
    arg_name="timer",
    run_on_startup=False,
    use_monitor=False,
)
def inventory_expire_reservations(timer: func.TimerRequest) -> None:
    counts = bootstrap.registry().inventory().reservations.expire_due()
    if counts["expired"] or counts["abandoned"]:
        log.info("reservations expired: %(expired)d, abandoned: %(abandoned)d", counts)
