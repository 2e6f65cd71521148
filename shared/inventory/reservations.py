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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.errors import Conflict, NotFound, PreconditionFailed, RuleViolation
from shared.inventory.changes import StockChanges
from shared.inventory.model import (
    Allocation,
    Reservation,
    ReservationStatus,
    ReserveInventory,
    Shortage,
)
from shared.inventory.nodes import ShipNodes
from shared.inventory.repository import InventoryRepository
from shared.inventory.rules import LOCKED_EXP, allocate, fingerprint, merge_lines
from shared.inventory.stored import StoredReservation
from shared.ports import Clock
from shared.stored import Stored

PLAN_ATTEMPTS = 3
"""Re-plans after a hold lost a race; a line still short after that is reported."""
EXPIRY_PAGE = 200


@dataclass(frozen=True)
class ReservationPolicy:
    default_ttl: int
    max_ttl: int
    pending_timeout: int
    """Seconds after which a PENDING attempt counts as crashed and is undone."""


def _dump(models: Sequence[Any]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json", by_alias=True) for m in models]


_DEDUCTED = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.RESTOCKING,
    ReservationStatus.RESTOCKED,
)
"""A reservation that became a sale: nothing is held any more to release."""


def _ended(status: ReservationStatus) -> Conflict:
    """The 409 of a reservation that no longer holds anything (a HELD one past its
    expiry counts as EXPIRED)."""
    word = "expired" if status is ReservationStatus.HELD else status.value.lower()
    return Conflict(f"the reservation is {word}", code=f"RESERVATION_{word.upper()}")


def _in_progress() -> Conflict:
    return Conflict(
        "a reservation with this id is being made by another request; retry",
        code="RESERVATION_IN_PROGRESS",
    )


class ReservationBook:
    def __init__(
        self,
        repo: InventoryRepository,
        nodes: ShipNodes,
        changes: StockChanges,
        clock: Clock,
        policy: ReservationPolicy,
    ) -> None:
        self._repo = repo
        self._nodes = nodes
        self._changes = changes
        self._clock = clock
        self.policy = policy

    # --- reserve ---------------------------------------------------------------------
    def reserve(self, request: ReserveInventory) -> tuple[Reservation, bool]:
        """The held reservation and ``True``, or the first result of this id and
        ``False``; ``Conflict`` (nothing held) when a line cannot be held."""
        ttl = request.ttl_seconds or self.policy.default_ttl
        if ttl > self.policy.max_ttl:
            raise RuleViolation(
                f"ttlSeconds may not exceed {self.policy.max_ttl}",
                code="TTL_TOO_LONG",
                details={"maxTtlSeconds": self.policy.max_ttl},
            )
        now = self._clock.time()
        fp = fingerprint(request)
        existing = self._repo.read_reservation(request.reservation_id)
        if existing is not None:
            return self._replay(existing, request, fp, now)
        lines = merge_lines(request.lines)
        items = list(dict.fromkeys(line.item_id for line in lines))
        attempt: Stored[StoredReservation] | None = None
        shortages: tuple[Shortage, ...] = ()
        for _ in range(PLAN_ATTEMPTS):
            nodes = self._nodes.by_id(request.enterprise_code)
            records = [
                r
                for r in self._repo.records_for_items(items)
                if r.enterprise_code == request.enterprise_code
            ]
            plan, shortages = allocate(lines, records, nodes, now)
            if shortages:
                break
            attempt = self._write_plan(attempt, request, fp, plan, now=now, ttl=ttl)
            held: list[Allocation] = []
            lost: Allocation | None = None
            for a in plan:
                rid = request.reservation_id
                if self._repo.hold(a.item_id, a.ship_node, rid, a.quantity, exp=now + ttl, now=now):
                    held.append(a)
                else:
                    lost = a
                    break
            self._changes.items_written(items)
            if lost is None:
                done = self._repo.replace_reservation(
                    attempt, status=ReservationStatus.HELD, updated_at=self._clock.now()
                )
                if done is None:
                    raise PreconditionFailed("the reservation changed while it was being made")
                return done.model.view(), True
            self._release_all(request.reservation_id, held)
            shortages = (
                Shortage(
                    item_id=lost.item_id,
                    ship_node=lost.ship_node,
                    requested=lost.quantity,
                    available=0,
                ),
            )
        if attempt is not None:
            self._repo.delete_reservation(request.reservation_id)
        raise Conflict(
            "some lines cannot be held; nothing was reserved",
            code="INSUFFICIENT_INVENTORY",
            details={"lines": _dump(shortages)},
        )

    def _write_plan(
        self,
        attempt: Stored[StoredReservation] | None,
        request: ReserveInventory,
        fp: str,
        plan: Sequence[Allocation],
        *,
        now: float,
        ttl: int,
    ) -> Stored[StoredReservation]:
        if attempt is not None:
            replanned = self._repo.replace_reservation(attempt, allocations=tuple(plan))
            if replanned is None:
                raise PreconditionFailed("the reservation changed while it was being made")
            return replanned
        fresh = StoredReservation(
            id=request.reservation_id,
            reservation_id=request.reservation_id,
            enterprise_code=request.enterprise_code,
            status=ReservationStatus.PENDING,
            lines=request.lines,
            allocations=tuple(plan),
            fingerprint=fp,
            ttl_seconds=ttl,
            created_at=datetime.fromtimestamp(now, UTC),
            expires_at=datetime.fromtimestamp(now + ttl, UTC),
            expires_at_epoch=now + ttl,
            attempt_expires_at=now + self.policy.pending_timeout,
        )
        try:
            return self._repo.create_reservation(fresh)
        except Conflict:
            raise _in_progress() from None

    def _replay(
        self, found: Stored[StoredReservation], request: ReserveInventory, fp: str, now: float
    ) -> tuple[Reservation, bool]:
        res = found.model
        if res.fingerprint != fp:
            raise Conflict(
                "this reservationId was used for a different reservation",
                code="RESERVATION_ID_REUSED",
            )
        if res.status is ReservationStatus.PENDING:
            if res.attempt_expires_at > now:
                raise _in_progress()
            self._abandon(found)
            return self.reserve(request)
        return res.view().as_of(now), False

    def _abandon(self, found: Stored[StoredReservation]) -> None:
        """Undo a PENDING attempt that crashed: give back whatever it may have held."""
        res = found.model
        self._release_all(res.reservation_id, res.allocations)
        try:
            self._repo.delete_reservation(res.reservation_id, if_match=found.etag)
        except (NotFound, PreconditionFailed):
            return

    def _release_all(self, reservation_id: str, allocations: Sequence[Allocation]) -> None:
        for a in allocations:
            self._repo.release_hold(a.item_id, a.ship_node, reservation_id, a.quantity)
        self._changes.items_written([a.item_id for a in allocations])

    # --- read, release, confirm ---------------------------------------------------------
    def get(self, reservation_id: str) -> Reservation:
        return self._read(reservation_id).model.view().as_of(self._clock.time())

    def _read(self, reservation_id: str) -> Stored[StoredReservation]:
        found = self._repo.read_reservation(reservation_id)
        if found is None:
            raise NotFound(
                f"reservation {reservation_id!r} does not exist", code="RESERVATION_NOT_FOUND"
            )
        return found

    def _set_status(
        self, found: Stored[StoredReservation], status: ReservationStatus
    ) -> Stored[StoredReservation] | None:
        return self._repo.replace_reservation(found, status=status, updated_at=self._clock.now())

    def release(self, reservation_id: str) -> Reservation:
        """Idempotent: releasing a released or expired reservation gives back nothing
        twice (each hold is removed at most once). A hold past its expiry ends EXPIRED,
        as it already reads, not RELEASED."""
        while True:
            found = self._read(reservation_id)
            status = found.model.status
            if status in _DEDUCTED:
                raise Conflict(
                    "a confirmed reservation cannot be released", code="RESERVATION_CONFIRMED"
                )
            if status is ReservationStatus.PENDING:
                raise Conflict(
                    "the reservation is still being made; retry", code="RESERVATION_IN_PROGRESS"
                )
            if status is ReservationStatus.HELD:
                ends = found.model.view().as_of(self._clock.time()).status
                final = ReservationStatus.RELEASED if ends is status else ends
                updated = self._set_status(found, final)
                if updated is None:
                    continue
                found = updated
            self._release_all(reservation_id, found.model.allocations)
            return found.model.view()

    def confirm(self, reservation_id: str) -> Reservation:
        while True:
            now = self._clock.time()
            found = self._read(reservation_id)
            res = found.model
            if res.status is ReservationStatus.CONFIRMED:
                self._deduct_all(res)
                return res.view()
            if res.status is ReservationStatus.PENDING:
                raise Conflict(
                    "the reservation is still being made; retry", code="RESERVATION_IN_PROGRESS"
                )
            if res.status is not ReservationStatus.HELD or res.expires_at.timestamp() <= now:
                if res.status is ReservationStatus.HELD:
                    self._expire(found)
                raise _ended(res.status)
            locked = all(
                self._repo.lock_hold(a.item_id, a.ship_node, reservation_id, now, LOCKED_EXP)
                for a in res.allocations
            )
            if not locked:
                self._expire(found)
                raise _ended(ReservationStatus.EXPIRED)
            updated = self._set_status(found, ReservationStatus.CONFIRMED)
            if updated is None:
                continue
            self._deduct_all(updated.model)
            return updated.model.view()

    def extend(self, reservation_id: str, until: float) -> Reservation:
        """Move a live hold's expiry to ``until`` (epoch seconds) while its shopper is
        still at checkout. Each allocation's hold first, with a conditional patch (live,
        not locked) as ``lock_hold`` does, then the document: the document never promises
        more than the holds keep. Never shortens; no further than ``max_ttl`` after it
        was made; a hold that has ended is a 409 naming how."""
        while True:
            now = self._clock.time()
            found = self._read(reservation_id)
            res = found.model
            if res.status is ReservationStatus.PENDING:
                raise _in_progress()
            if res.status is not ReservationStatus.HELD or res.expires_at_epoch <= now:
                if res.status is ReservationStatus.HELD:
                    self._expire(found)
                raise _ended(res.status)
            if until <= res.expires_at_epoch:
                return res.view()
            if until - res.created_at.timestamp() > self.policy.max_ttl:
                raise RuleViolation(
                    f"a hold may not last more than {self.policy.max_ttl} seconds",
                    code="TTL_TOO_LONG",
                    details={"maxTtlSeconds": self.policy.max_ttl},
                )
            held = all(
                self._repo.extend_hold(a.item_id, a.ship_node, reservation_id, now, until)
                for a in res.allocations
            )
            if not held:
                self._expire(found)
                raise _ended(ReservationStatus.EXPIRED)
            updated = self._repo.replace_reservation(
                found,
                expires_at=datetime.fromtimestamp(until, UTC),
                expires_at_epoch=until,
                updated_at=self._clock.now(),
            )
            if updated is None:
                continue
            self._changes.items_written([a.item_id for a in res.allocations])
            return updated.model.view()

    def _deduct_all(self, res: StoredReservation) -> None:
        for a in res.allocations:
            self._repo.deduct_hold(a.item_id, a.ship_node, res.reservation_id, a.quantity)
        self._changes.items_written([a.item_id for a in res.allocations])

    # --- expiry ------------------------------------------------------------------------
    def _expire(self, found: Stored[StoredReservation]) -> bool:
        updated = self._set_status(found, ReservationStatus.EXPIRED)
        if updated is None:
            return False
        self._release_all(updated.model.reservation_id, updated.model.allocations)
        return True

    def expire_due(self) -> dict[str, int]:
        """HELD past expiresAt become EXPIRED and give their units back; PENDING
        attempts older than the timeout are undone. Safe to run concurrently."""
        now = self._clock.time()
        expired = abandoned = 0
        while True:
            due = self._repo.due_held(now, EXPIRY_PAGE)
            done = sum(1 for found in due if self._expire(found))
            expired += done
            if len(due) < EXPIRY_PAGE or done == 0:
                break
        for found in self._repo.due_pending(now, EXPIRY_PAGE):
            self._abandon(found)
            abandoned += 1
        return {"expired": expired, "abandoned": abandoned}
