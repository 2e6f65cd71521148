"""Admin writes to supply records: absolute supply and adjustment deltas, audited with
the caller's identity."""

from __future__ import annotations

from typing import Any

from shared.errors import Conflict, NotFound, PreconditionFailed, RuleViolation, Unavailable
from shared.inventory.model import AdjustmentRequest, ShipNode, SupplyRecord, SupplySpec
from shared.inventory.repository import MAX_RACE_RETRIES, InventoryRepository, now_iso, to_record
from shared.inventory.rules import supply_id
from shared.ports import Filter, PatchOp


def check_version(doc: dict[str, Any] | None, expected: int | None, what: str) -> None:
    """``If-Match`` semantics: the write applies only to the version the caller saw."""
    if expected is None:
        return
    current = None if doc is None else int(doc.get("version", 0))
    if current != expected:
        raise PreconditionFailed(
            f"{what} is at version {current}, not {expected}",
            code="VERSION_MISMATCH",
            details={"currentVersion": current},
        )


def write_supply(
    repo: InventoryRepository,
    node: ShipNode,
    item_id: str,
    spec: SupplySpec,
    actor: str,
    *,
    expected_version: int | None = None,
) -> tuple[SupplyRecord, bool]:
    """Create the record, or patch it under the etag just read so the audit's "before"
    is exactly what was replaced. Reserved units and holds are never touched."""
    ship_node = node.ship_node
    fields = spec.model_dump(by_alias=True)
    created = False
    stored: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    for _ in range(MAX_RACE_RETRIES):
        before = repo.read_supply(item_id, ship_node)
        check_version(before, expected_version, f"supply of {item_id!r} at {ship_node!r}")
        if before is None:
            doc = {
                "id": supply_id(item_id, ship_node),
                "docType": "supply",
                "itemId": item_id,
                "shipNode": ship_node,
                "enterpriseCode": node.enterprise_code,
                "reserved": 0,
                "holds": {},
                "version": 1,
                "modifyts": now_iso(),
                **fields,
            }
            try:
                stored, created = repo.create_supply(doc), True
                break
            except Conflict:
                continue
        ops = [PatchOp("set", k, v) for k, v in fields.items()]
        ops += [PatchOp("incr", "version", 1), PatchOp("set", "modifyts", now_iso())]
        stored = repo.patch_supply(item_id, ship_node, ops, if_match=before["_etag"])
        if stored is not None:
            break
    if stored is None:
        raise Unavailable("the supply record is too contended; retry", code="CONTENDED")
    repo.write_audit(
        operation="SET_SUPPLY",
        employee_id=actor,
        form_name="PUT /inventory/{itemId}/nodes/{shipNode}",
        reference_type="INVENTORY",
        reference_value=supply_id(item_id, ship_node),
        before=_supply_fields(before),
        after=_supply_fields(stored),
    )
    return to_record(stored), created


def apply_adjustments(
    repo: InventoryRepository, request: AdjustmentRequest, actor: str
) -> list[SupplyRecord]:
    """Apply every delta or none: on-hand may not go below zero, and a line that fails
    undoes the lines applied before it. Each delta is an atomic increment, so the audit's
    "before" (after - delta) is exact."""
    applied: list[tuple[str, str, int]] = []
    results: list[SupplyRecord] = []
    try:
        for adj in request.adjustments:
            doc = _apply_delta(repo, adj.item_id, adj.ship_node, adj.quantity)
            applied.append((adj.item_id, adj.ship_node, adj.quantity))
            results.append(to_record(doc))
    except Exception:
        for item_id, ship_node, delta in reversed(applied):
            _apply_delta(repo, item_id, ship_node, -delta, check=False)
        raise
    for adj, after in zip(request.adjustments, results, strict=True):
        repo.write_audit(
            operation="ADJUST_INVENTORY",
            employee_id=actor,
            form_name="POST /inventory/adjustments",
            reference_type="INVENTORY",
            reference_value=supply_id(adj.item_id, adj.ship_node),
            before={"quantity": after.quantity - adj.quantity},
            after={"quantity": after.quantity},
            reason=request.reason,
        )
    return results


def _apply_delta(
    repo: InventoryRepository, item_id: str, ship_node: str, delta: int, *, check: bool = True
) -> dict[str, Any]:
    ops = [
        PatchOp("incr", "quantity", delta),
        PatchOp("incr", "version", 1),
        PatchOp("set", "modifyts", now_iso()),
    ]
    cond = (Filter("quantity", ">=", -delta),) if check and delta < 0 else ()
    try:
        doc = repo.patch_supply(item_id, ship_node, ops, condition=cond)
    except NotFound:
        raise NotFound(
            f"no supply record for item {item_id!r} at node {ship_node!r}",
            code="SUPPLY_NOT_FOUND",
            details={"itemId": item_id, "shipNode": ship_node},
        ) from None
    if doc is None:
        raise RuleViolation(
            "the adjustment would take on-hand quantity below zero",
            code="NEGATIVE_ON_HAND",
            details={"itemId": item_id, "shipNode": ship_node, "quantity": delta},
        )
    return doc


def _supply_fields(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    keys = ("quantity", "safetyStock", "threshold", "infinite", "reserved", "version")
    return {k: doc.get(k) for k in keys}
