"""The products container's change feed: the local catalog's outbox (``ProductChanged``,
``CategoriesChanged``, ``BrandsChanged``)."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import bootstrap

bp = func.Blueprint()
log = logging.getLogger("functions.catalog")


@bp.function_name("catalog_change_feed")
@bp.retry(
    strategy="exponential_backoff",
    max_retry_count="-1",
    minimum_interval="00:00:02",
    maximum_interval="00:05:00",
)
@bp.cosmos_db_trigger(
    arg_name="documents",
    container_name="%COSMOS_CONTAINER_PRODUCTS%",
    database_name="%COSMOS_DATABASE%",
    connection="CosmosConnection",
    lease_container_name="%COSMOS_CONTAINER_LEASES%",
    lease_container_prefix="catalog-",
    create_lease_container_if_not_exists=False,
)
def catalog_change_feed(documents: func.DocumentList) -> None:
    """Raises when the bus is down: the unlimited retry policy makes the host retry the
    batch, never skip it. The lease prefix keeps its leases apart from inventory's in
    the one lease container."""
    result = bootstrap.registry().catalog().feed.process([dict(d) for d in documents])
    log.info("catalog change feed: %d event(s)", result.published)
