"""Role names (Entra ID app roles) and the authorisation rule, free of any I/O."""

from __future__ import annotations

from collections.abc import Iterable

from shared.errors import Forbidden
from shared.ports import Principal

CONFIGHUB_ADMIN = "ConfigHub.Admin"
CONFIGHUB_READER = "ConfigHub.Reader"
INVENTORY_ADMIN = "Inventory.Admin"
INVENTORY_RESERVE = "Inventory.Reserve"
SOURCING_ADMIN = "Sourcing.Admin"
CATALOG_ADMIN = "Catalog.Admin"
CUSTOMER = "Customer"
"""A signed-in shopper: their carts and orders are keyed by the token's subject."""
ORDER_ADMIN = "Order.Admin"
"""Customer service: reads and cancels any order."""

ALL_ROLES = frozenset(
    {
        CONFIGHUB_ADMIN,
        CONFIGHUB_READER,
        INVENTORY_ADMIN,
        INVENTORY_RESERVE,
        SOURCING_ADMIN,
        CATALOG_ADMIN,
        CUSTOMER,
        ORDER_ADMIN,
    }
)


def require_any_role(principal: Principal, roles: Iterable[str]) -> None:
    """Pass when the caller holds at least one of ``roles``; else ``Forbidden``."""
    wanted = frozenset(roles)
    if not wanted & principal.roles:
        raise Forbidden(
            "the caller lacks the role this operation needs",
            details={"requiredAnyOf": sorted(wanted)},
        )
