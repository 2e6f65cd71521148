"""Background triggers of checkout: the orders change feed (the outbox of the order
events) and the repair timer of placements and cancellations left midway."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.checkout")


@bp.function_name("checkout_order_feed")
@bp.retry(
    strategy="exponential_backoff",
    max_retry_count="-1",
    minimum_interval="00:00:02",
    maximum_interval="00:05:00",
)
@bp.cosmos_db_trigger(
    arg_name="documents",
    container_name="%COSMOS_CONTAINER_ORDERS%",
    database_name="%COSMOS_DATABASE%",
    connection="CosmosConnection",
    lease_container_name="%COSMOS_CONTAINER_LEASES%",
    create_lease_container_if_not_exists=False,
)
def checkout_order_feed(documents: func.DocumentList) -> None:
    """Raises on failure, so the host retries the batch and never skips it (as the
    inventory feed does)."""
    result = bootstrap.registry().checkout().feed.process([dict(d) for d in documents])
    log.info("order feed: %d orders, %d events published", result.orders, result.published)


@bp.function_name("checkout_repair_orders")
@bp.timer_trigger(
    schedule="%CHECKOUT_REPAIR_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=False
)
def checkout_repair_orders(timer: func.TimerRequest) -> None:
    counts = bootstrap.registry().checkout().repair_due()
    if any(counts.values()):
        log.info("orders repaired: %s", counts)
