"""Admin writes to supply records: absolute supply and adjustment deltas, audited with
the caller's identity. Each handler is a short transaction script over the repository;
every one ends in ``StockChanges.items_written``, written or not."""

from __future__ import annotations

from shared.errors import NotFound, RuleViolation, Unavailable
from shared.inventory.changes import StockChanges
from shared.inventory.model import AdjustmentRequest, SupplyRecord, SupplySpec
from shared.inventory.nodes import ShipNodes
from shared.inventory.repository import MAX_RACE_RETRIES, InventoryRepository
from shared.inventory.rules import supply_id
from shared.inventory.stored import QuantityAudit, StoredSupply, SupplyAudit
from shared.preconditions import IfMatch, check_if_match
from shared.stored import Stored


class SupplyWrites:
    def __init__(self, repo: InventoryRepository, nodes: ShipNodes, changes: StockChanges) -> None:
        self._repo = repo
        self._nodes = nodes
        self._changes = changes

    def get_supply(self, item_id: str, ship_node: str) -> SupplyRecord:
        found = self._repo.read_supply(item_id, ship_node)
        if found is None:
            raise NotFound(
                f"no supply record for item {item_id!r} at node {ship_node!r}",
                code="SUPPLY_NOT_FOUND",
            )
        return found.model.view()

    def set_supply(
        self,
        item_id: str,
        ship_node: str,
        spec: SupplySpec,
        actor: str,
        *,
        if_match: IfMatch | None = None,
    ) -> tuple[SupplyRecord, bool]:
        """Set on-hand, safety stock, threshold and infinite; holds are untouched.
        Creates the record, or patches it under the etag just read so the audit's
        "before" is exactly what was replaced. ``True`` when the record was created."""
        node = self._nodes.get_node(ship_node)
        try:
            before, stored = self._write(node.enterprise_code, item_id, ship_node, spec, if_match)
        finally:
            self._changes.items_written([item_id])
        self._repo.write_audit(
            operation="SET_SUPPLY",
            employee_id=actor,
            form_name="PUT /inventory/{itemId}/nodes/{shipNode}",
            reference_type="INVENTORY",
            reference_value=supply_id(item_id, ship_node),
            before=_audited(before.model if before else None),
            after=_audited(stored.model),
        )
        return stored.model.view(), before is None

    def _write(
        self,
        enterprise_code: str,
        item_id: str,
        ship_node: str,
        spec: SupplySpec,
        if_match: IfMatch | None,
    ) -> tuple[Stored[StoredSupply] | None, Stored[StoredSupply]]:
        what = f"supply of {item_id!r} at {ship_node!r}"
        for _ in range(MAX_RACE_RETRIES):
            before = self._repo.read_supply(item_id, ship_node)
            check_if_match(if_match, before.model.version if before else None, what)
            if before is None:
                first = self._repo.new_supply(
                    item_id, ship_node, enterprise_code, **spec.model_dump()
                )
                created = self._repo.create_supply(first)
                if created is not None:
                    return None, created
                continue
            stored = self._repo.set_supply_fields(before, spec.model_dump())
            if stored is not None:
                return before, stored
        raise Unavailable("the supply record is too contended; retry", code="CONTENDED")

    def adjust(self, request: AdjustmentRequest, actor: str) -> list[SupplyRecord]:
        """Apply every delta or none: on-hand may not go below zero, and a line that
        fails undoes the lines applied before it. Each delta is an atomic increment, so
        the audit's "before" (after - delta) is exact."""
        applied: list[tuple[str, str, int]] = []
        results: list[SupplyRecord] = []
        try:
            for adj in request.adjustments:
                results.append(self._apply_delta(adj.item_id, adj.ship_node, adj.quantity))
                applied.append((adj.item_id, adj.ship_node, adj.quantity))
        except Exception:
            for item_id, ship_node, delta in reversed(applied):
                self._repo.add_quantity(item_id, ship_node, -delta, floor=False)
            raise
        finally:
            self._changes.items_written([a.item_id for a in request.adjustments])
        for adj, after in zip(request.adjustments, results, strict=True):
            self._repo.write_audit(
                operation="ADJUST_INVENTORY",
                employee_id=actor,
                form_name="POST /inventory/adjustments",
                reference_type="INVENTORY",
                reference_value=supply_id(adj.item_id, adj.ship_node),
                before=_audited_quantity(after.quantity - adj.quantity),
                after=_audited_quantity(after.quantity),
                reason=request.reason,
            )
        return results

    def _apply_delta(self, item_id: str, ship_node: str, delta: int) -> SupplyRecord:
        try:
            stored = self._repo.add_quantity(item_id, ship_node, delta, floor=True)
        except NotFound:
            raise NotFound(
                f"no supply record for item {item_id!r} at node {ship_node!r}",
                code="SUPPLY_NOT_FOUND",
                details={"itemId": item_id, "shipNode": ship_node},
            ) from None
        if stored is None:
            raise RuleViolation(
                "the adjustment would take on-hand quantity below zero",
                code="NEGATIVE_ON_HAND",
                details={"itemId": item_id, "shipNode": ship_node, "quantity": delta},
            )
        return stored.model.view()


def _audited(record: StoredSupply | None) -> SupplyAudit | None:
    if record is None:
        return None
    return SupplyAudit.model_validate(record.model_dump(include=set(SupplyAudit.model_fields)))


def _audited_quantity(quantity: int) -> QuantityAudit:
    return QuantityAudit(quantity=quantity)
