"""Ship nodes: the distribution centres, stores and vendors stock lives at.

Every availability read and every sourcing call needs the enterprise's nodes, so they are
cached briefly per enterprise, and each process also keeps the list it last parsed,
stamped with the list's generation: a read then costs one small cache get (the
generation) instead of decoding and validating every node (5,000 nodes took 200 ms). A
write gives the enterprise a new generation and drops the list before it answers, so no
process trusts its copy afterwards, and tells the stock listener.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from types import MappingProxyType

from shared.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from shared.inventory.changes import StockChanges
from shared.inventory.model import ShipNode, ShipNodeSpec
from shared.inventory.repository import MAX_RACE_RETRIES, InventoryRepository
from shared.inventory.stored import StoredShipNode
from shared.ports import Cache, Clock
from shared.preconditions import IfMatch, check_if_match


def nodes_cache_key(enterprise_code: str) -> str:
    return f"inventory:nodes:{enterprise_code}"


def nodes_generation_key(enterprise_code: str) -> str:
    return f"inventory:nodes-generation:{enterprise_code}"


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
        self._parsed: dict[str, tuple[str, tuple[ShipNode, ...], Mapping[str, ShipNode]]] = {}
        self._lock = threading.Lock()

    def list_nodes(self, enterprise_code: str | None = None) -> list[ShipNode]:
        """Every node of the enterprise (ACTIVE and INACTIVE), cached briefly."""
        return list(self._current(enterprise_code or self.default_enterprise)[1])

    def by_id(self, enterprise_code: str) -> Mapping[str, ShipNode]:
        """Node id -> node, read only: one mapping serves every read while the list is
        unchanged."""
        return self._current(enterprise_code)[2]

    def _current(self, enterprise: str) -> tuple[str, tuple[ShipNode, ...], Mapping[str, ShipNode]]:
        generation = self._generation(enterprise)
        with self._lock:
            parsed = self._parsed.get(enterprise)
        if parsed is not None and parsed[0] == generation:
            return parsed
        key = nodes_cache_key(enterprise)
        cached = self._cache.get(key)
        if isinstance(cached, dict) and cached.get("generation") == generation:
            nodes = [ShipNode.model_validate(n) for n in cached.get("nodes", [])]
        else:
            nodes = self._repo.list_nodes(enterprise)
            entry = {
                "generation": generation,
                "nodes": [n.model_dump(mode="json", by_alias=True) for n in nodes],
            }
            self._cache.set(key, entry, self._ttl)
        by_id = MappingProxyType({n.ship_node: n for n in nodes})
        current = (generation, tuple(nodes), by_id)
        with self._lock:
            self._parsed[enterprise] = current
        return current

    def _generation(self, enterprise: str) -> str:
        """The enterprise's node-list generation, made on first need."""
        key = nodes_generation_key(enterprise)
        found = self._cache.get(key)
        if isinstance(found, str):
            return found
        fresh = uuid.uuid4().hex
        self._cache.set(key, fresh)
        return fresh

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
            self._cache.set(nodes_generation_key(spec.enterprise_code), uuid.uuid4().hex)
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
