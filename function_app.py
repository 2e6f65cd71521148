"""The Function app: registers each capability's Blueprint and nothing else."""

import azure.functions as func

from functions import (
    catalog_admin,
    catalog_events,
    catalog_feed,
    catalog_graphql,
    checkout_carts,
    checkout_feed,
    checkout_orders,
    checkout_steps,
    confighub_configs,
    confighub_events,
    confighub_groups,
    confighub_spring,
    health,
    inventory_availability,
    inventory_feed,
    inventory_nodes,
    inventory_reservations,
    inventory_supply,
    sourcing,
    sourcing_events,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(health.bp)
app.register_functions(confighub_configs.bp)
app.register_functions(confighub_groups.bp)
app.register_functions(confighub_spring.bp)
app.register_functions(confighub_events.bp)
app.register_functions(inventory_nodes.bp)
app.register_functions(inventory_supply.bp)
app.register_functions(inventory_availability.bp)
app.register_functions(inventory_reservations.bp)
app.register_functions(inventory_feed.bp)
app.register_functions(sourcing.bp)
app.register_functions(sourcing_events.bp)
app.register_functions(catalog_graphql.bp)
app.register_functions(catalog_admin.bp)
app.register_functions(catalog_events.bp)
app.register_functions(catalog_feed.bp)
app.register_functions(checkout_carts.bp)
app.register_functions(checkout_steps.bp)
app.register_functions(checkout_orders.bp)
app.register_functions(checkout_feed.bp)
