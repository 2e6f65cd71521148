"""Ship nodes: the distribution centres, stores and vendors stock lives at.

Every availability read needs the enterprise's nodes, so they are cached briefly per
enterprise; a write drops that entry before it answers and tells the stock listener.
"""

from __future__ import annotations

from shared.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from shared.inventory.changes import StockChanges
from shared.inventory.model import ShipNode, ShipNodeSpec
from shared.inventory.repository import MAX_RACE_RETRIES, InventoryRepository
from shared.inventory.stored import StoredShipNode
from shared.ports import Cache, Clock
from shared.preconditions import IfMatch, check_if_match


def nodes_cache_key(enterprise_code: str) -> str:
    return f"inventory:nodes:{enterprise_code}"


class ShipNodes:
    def __init__(
        self,
        repo: InventoryRepository,
        cache: Cache,
        changes: StockChanges,
        clock: Clock,
        *,
        default_enterprise: str,
        cache_ttl_seconds: int,
    ) -> None:
        self._repo = repo
        self._cache = cache
        self._changes = changes
        self._clock = clock
        self.default_enterprise = default_enterprise
        self._ttl = cache_ttl_seconds

    def list_nodes(self, enterprise_code: str | None = None) -> list[ShipNode]:
        """Every node of the enterprise (ACTIVE and INACTIVE), cached briefly."""
        enterprise = enterprise_code or self.default_enterprise
        key = nodes_cache_key(enterprise)
        cached = self._cache.get(key)
        if isinstance(cached, list):
            return [ShipNode.model_validate(n) for n in cached]
        nodes = self._repo.list_nodes(enterprise)
        self._cache.set(key, [n.model_dump(mode="json", by_alias=True) for n in nodes], self._ttl)
        return nodes

    def by_id(self, enterprise_code: str) -> dict[str, ShipNode]:
        return {n.ship_node: n for n in self.list_nodes(enterprise_code)}

    def get_node(self, ship_node: str, enterprise_code: str | None = None) -> ShipNode:
        found = self._repo.find_node(ship_node, enterprise_code)
        if found is None:
            raise NotFound(f"ship node {ship_node!r} does not exist", code="SHIP_NODE_NOT_FOUND")
        return found.model.view()

    def put_node(
        self, ship_node: str, spec: ShipNodeSpec, actor: str, *, if_match: IfMatch | None = None
    ) -> tuple[ShipNode, bool]:
        """Create or replace; ``True`` when created. A node id is unique across
        enterprises, so moving it to another enterprise is a conflict."""
        for _ in range(MAX_RACE_RETRIES):
            existing = self._repo.find_node(ship_node, None)
            current = existing.model if existing else None
            check_if_match(
                if_match, current.version if current else None, f"ship node {ship_node!r}"
            )
            if current is not None and current.enterprise_code != spec.enterprise_code:
                raise Conflict(
                    f"ship node {ship_node!r} belongs to {current.enterprise_code!r}",
                    code="SHIP_NODE_ENTERPRISE_MISMATCH",
                )
            node = StoredShipNode(
                **spec.model_dump(),
                id=ship_node,
                ship_node=ship_node,
                modifyts=self._clock.now(),
                version=current.version + 1 if current else 1,
            )
            try:
                stored = self._repo.write_node(node, if_match=existing.etag if existing else None)
            except (Conflict, PreconditionFailed):
                continue
            self._cache.delete(nodes_cache_key(spec.enterprise_code))
            self._repo.write_audit(
                operation="PUT_SHIP_NODE",
                employee_id=actor,
                form_name="PUT /ship-nodes/{shipNode}",
                reference_type="SHIP_NODE",
                reference_value=ship_node,
                before=current.view() if current else None,
                after=stored.model.view(),
            )
            self._changes.enterprise_written(spec.enterprise_code)
            return stored.model.view(), current is None
        raise Unavailable("the ship node is too contended; retry", code="CONTENDED")
