"""Reservations: all-or-nothing holds that never oversell, idempotent by reservationId.

The reservation document is written first (status PENDING, with the planned
allocations), then each allocation is held with a conditional patch, then the document
says HELD. So:

- a retry with the same id finds the document and returns the first result;
- a crash half-way leaves a PENDING document naming every supply record it may have
  touched; after ``pending_timeout`` a retry or the expiry timer gives those units back;
- a line that cannot be held undoes the lines held before it, and the document is
  deleted, so a rejected id may be retried later.

Confirmation first moves each hold's expiry out of reach ("lock"), then marks the
document CONFIRMED, then deducts: a hold can never be reclaimed as expired while it is
being turned into a sale, and a repeated confirm deducts nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from shared.errors import Conflict, NotFound, PreconditionFailed, RuleViolation
from shared.inventory.model import (
    Allocation,
    Reservation,
    ReservationStatus,
    ReserveInventory,
    ShipNode,
    Shortage,
)
from shared.inventory.repository import InventoryRepository, now_iso, user_doc
from shared.inventory.rules import LOCKED_EXP, allocate, fingerprint, merge_lines

PLAN_ATTEMPTS = 3
"""Re-plans after a hold lost a race; a line still short after that is reported."""
EXPIRY_PAGE = 200


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def _dump(models: Sequence[Any]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json", by_alias=True) for m in models]


def _reservation(doc: dict[str, Any]) -> Reservation:
    return Reservation.model_validate(doc)


class ReservationBook:
    def __init__(
        self,
        repo: InventoryRepository,
        *,
        load_nodes: Callable[[str], dict[str, ShipNode]],
        invalidate: Callable[[Sequence[str]], None],
        default_ttl: int,
        max_ttl: int,
        pending_timeout: int,
    ) -> None:
        self.repo = repo
        self._load_nodes = load_nodes
        self._invalidate = invalidate
        self.default_ttl = default_ttl
        self.max_ttl = max_ttl
        self.pending_timeout = pending_timeout

    # --- reserve ---------------------------------------------------------------------
    def reserve(self, request: ReserveInventory, now: float) -> tuple[Reservation, bool]:
        ttl = request.ttl_seconds or self.default_ttl
        if ttl > self.max_ttl:
            raise RuleViolation(
                f"ttlSeconds may not exceed {self.max_ttl}",
                code="TTL_TOO_LONG",
                details={"maxTtlSeconds": self.max_ttl},
            )
        fp = fingerprint(request)
        existing = self.repo.read_reservation(request.reservation_id)
        if existing is not None:
            return self._replay(existing, request, fp, now)
        lines = merge_lines(request.lines)
        items = list(dict.fromkeys(line.item_id for line in lines))
        doc: dict[str, Any] | None = None
        shortages: tuple[Shortage, ...] = ()
        for _ in range(PLAN_ATTEMPTS):
            nodes = self._load_nodes(request.enterprise_code)
            records = [
                r
                for r in self.repo.records_for_items(items)
                if r.enterprise_code == request.enterprise_code
            ]
            plan, shortages = allocate(lines, records, nodes, now)
            if shortages:
                break
            doc = self._write_plan(doc, request, fp, plan, now=now, ttl=ttl)
            held: list[Allocation] = []
            lost: Allocation | None = None
            for a in plan:
                if self.repo.hold(
                    a.item_id,
                    a.ship_node,
                    request.reservation_id,
                    a.quantity,
                    exp=now + ttl,
                    now=now,
                ):
                    held.append(a)
                else:
                    lost = a
                    break
            self._invalidate(items)
            if lost is None:
                doc = self.repo.reservations.replace(
                    user_doc(doc)
                    | {"status": ReservationStatus.HELD.value, "updatedAt": now_iso()},
                    if_match=doc["_etag"],
                )
                return _reservation(doc), True
            self._release_all(request.reservation_id, held)
            shortages = (
                Shortage(
                    item_id=lost.item_id,
                    ship_node=lost.ship_node,
                    requested=lost.quantity,
                    available=0,
                ),
            )
        if doc is not None:
            self.repo.reservations.delete(request.reservation_id, request.reservation_id)
        raise Conflict(
            "some lines cannot be held; nothing was reserved",
            code="INSUFFICIENT_INVENTORY",
            details={"lines": _dump(shortages)},
        )

    def _write_plan(
        self,
        doc: dict[str, Any] | None,
        request: ReserveInventory,
        fp: str,
        plan: Sequence[Allocation],
        *,
        now: float,
        ttl: int,
    ) -> dict[str, Any]:
        if doc is not None:
            return self.repo.reservations.replace(
                user_doc(doc) | {"allocations": _dump(plan)}, if_match=doc["_etag"]
            )
        fresh = {
            "id": request.reservation_id,
            "reservationId": request.reservation_id,
            "enterpriseCode": request.enterprise_code,
            "status": ReservationStatus.PENDING.value,
            "lines": _dump(request.lines),
            "allocations": _dump(plan),
            "fingerprint": fp,
            "ttlSeconds": ttl,
            "createdAt": _iso(now),
            "expiresAt": _iso(now + ttl),
            "expiresAtEpoch": now + ttl,
            "attemptExpiresAt": now + self.pending_timeout,
        }
        try:
            return self.repo.reservations.create(fresh)
        except Conflict:
            raise Conflict(
                "a reservation with this id is being made by another request; retry",
                code="RESERVATION_IN_PROGRESS",
            ) from None

    def _replay(
        self, doc: dict[str, Any], request: ReserveInventory, fp: str, now: float
    ) -> tuple[Reservation, bool]:
        if doc.get("fingerprint") != fp:
            raise Conflict(
                "this reservationId was used for a different reservation",
                code="RESERVATION_ID_REUSED",
            )
        if doc["status"] == ReservationStatus.PENDING.value:
            if float(doc["attemptExpiresAt"]) > now:
                raise Conflict(
                    "a reservation with this id is being made by another request; retry",
                    code="RESERVATION_IN_PROGRESS",
                )
            self._abandon(doc)
            return self.reserve(request, now)
        return _reservation(doc).as_of(now), False

    def _abandon(self, doc: dict[str, Any]) -> None:
        """Undo a PENDING attempt that crashed: give back whatever it may have held."""
        allocations = [Allocation.model_validate(a) for a in doc.get("allocations", [])]
        self._release_all(doc["reservationId"], allocations)
        try:
            self.repo.reservations.delete(doc["id"], doc["reservationId"], if_match=doc["_etag"])
        except (NotFound, PreconditionFailed):
            return

    def _release_all(self, reservation_id: str, allocations: Sequence[Allocation]) -> None:
        for a in allocations:
            self.repo.release_hold(a.item_id, a.ship_node, reservation_id, a.quantity)
        self._invalidate([a.item_id for a in allocations])

    # --- read, release, confirm ---------------------------------------------------------
    def get(self, reservation_id: str, now: float) -> Reservation:
        return _reservation(self._read(reservation_id)).as_of(now)

    def _read(self, reservation_id: str) -> dict[str, Any]:
        doc = self.repo.read_reservation(reservation_id)
        if doc is None:
            raise NotFound(
                f"reservation {reservation_id!r} does not exist", code="RESERVATION_NOT_FOUND"
            )
        return doc

    def _set_status(self, doc: dict[str, Any], status: ReservationStatus) -> dict[str, Any] | None:
        try:
            return self.repo.reservations.replace(
                user_doc(doc) | {"status": status.value, "updatedAt": now_iso()},
                if_match=doc["_etag"],
            )
        except PreconditionFailed:
            return None

    def release(self, reservation_id: str, now: float) -> Reservation:
        """Idempotent: releasing a released or expired reservation gives back nothing
        twice (each hold is removed at most once). A hold past its expiry ends EXPIRED,
        as it already reads, not RELEASED."""
        while True:
            doc = self._read(reservation_id)
            status = ReservationStatus(doc["status"])
            if status is ReservationStatus.CONFIRMED:
                raise Conflict(
                    "a confirmed reservation cannot be released", code="RESERVATION_CONFIRMED"
                )
            if status is ReservationStatus.PENDING:
                raise Conflict(
                    "the reservation is still being made; retry", code="RESERVATION_IN_PROGRESS"
                )
            if status is ReservationStatus.HELD:
                ends = _reservation(doc).as_of(now).status
                final = ReservationStatus.RELEASED if ends is status else ends
                updated = self._set_status(doc, final)
                if updated is None:
                    continue
                doc = updated
            self._release_all(reservation_id, _reservation(doc).allocations)
            return _reservation(doc)

    def confirm(self, reservation_id: str, now: float) -> Reservation:
        while True:
            doc = self._read(reservation_id)
            res = _reservation(doc)
            if res.status is ReservationStatus.CONFIRMED:
                self._deduct_all(res)
                return res
            if res.status is ReservationStatus.PENDING:
                raise Conflict(
                    "the reservation is still being made; retry", code="RESERVATION_IN_PROGRESS"
                )
            if res.status is not ReservationStatus.HELD or res.expires_at.timestamp() <= now:
                code = (
                    "RESERVATION_RELEASED"
                    if res.status is ReservationStatus.RELEASED
                    else "RESERVATION_EXPIRED"
                )
                if res.status is ReservationStatus.HELD:
                    self._expire(doc)
                raise Conflict(f"the reservation is {code.split('_')[1].lower()}", code=code)
            locked = all(
                self.repo.lock_hold(a.item_id, a.ship_node, reservation_id, now, LOCKED_EXP)
                for a in res.allocations
            )
            if not locked:
                self._expire(doc)
                raise Conflict("the reservation is expired", code="RESERVATION_EXPIRED")
            updated = self._set_status(doc, ReservationStatus.CONFIRMED)
            if updated is None:
                continue
            confirmed = _reservation(updated)
            self._deduct_all(confirmed)
            return confirmed

    def _deduct_all(self, res: Reservation) -> None:
        for a in res.allocations:
            self.repo.deduct_hold(a.item_id, a.ship_node, res.reservation_id, a.quantity)
        self._invalidate([a.item_id for a in res.allocations])

    # --- expiry ------------------------------------------------------------------------
    def _expire(self, doc: dict[str, Any]) -> bool:
        updated = self._set_status(doc, ReservationStatus.EXPIRED)
        if updated is None:
            return False
        self._release_all(doc["reservationId"], _reservation(updated).allocations)
        return True

    def expire_due(self, now: float) -> dict[str, int]:
        """HELD past expiresAt become EXPIRED and give their units back; PENDING
        attempts older than the timeout are undone. Safe to run concurrently."""
        expired = abandoned = 0
        while True:
            due = self.repo.due_reservations("HELD", "expiresAtEpoch", now, EXPIRY_PAGE)
            done = sum(1 for d in due if self._expire(d))
            expired += done
            if len(due) < EXPIRY_PAGE or done == 0:
                break
        for doc in self.repo.due_reservations("PENDING", "attemptExpiresAt", now, EXPIRY_PAGE):
            self._abandon(doc)
            abandoned += 1
        return {"expired": expired, "abandoned": abandoned}
