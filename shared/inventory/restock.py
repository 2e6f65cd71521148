"""Restocks: the units a confirmed reservation deducted come back (a cancelled order).

Exactly once, however often a crashed or repeated restock is retried, in three steps
the reservation document records:

1. CONFIRMED -> RESTOCKING: the intent, and the allocations to give back;
2. each allocation's units are added back in one conditional patch that also sets a
   marker under the reservation's hold key (``restocks.<key>``): a retry finds the
   marker and adds nothing; one audit row per allocation with an id of its own, so a
   retry writes none twice;
3. RESTOCKING -> RESTOCKED, then the markers are dropped: once the document says
   RESTOCKED no step 2 runs again, so a marker is never needed after it.
"""

from __future__ import annotations

from shared.errors import Conflict, NotFound
from shared.inventory.changes import StockChanges
from shared.inventory.model import Reservation, ReservationStatus
from shared.inventory.repository import InventoryRepository
from shared.inventory.rules import supply_id
from shared.inventory.stored import ReturnAudit, StoredReservation
from shared.ports import Clock
from shared.stored import Stored

FORM = "restock of a confirmed reservation"


class Restocks:
    def __init__(self, repo: InventoryRepository, changes: StockChanges, clock: Clock) -> None:
        self._repo = repo
        self._changes = changes
        self._clock = clock

    def restock(self, reservation_id: str, actor: str, reason: str) -> Reservation:
        """Give back what ``reservation_id`` deducted; idempotent. 409
        ``RESERVATION_NOT_CONFIRMED`` for a reservation that deducted nothing."""
        while True:
            found = self._repo.read_reservation(reservation_id)
            if found is None:
                raise NotFound(
                    f"reservation {reservation_id!r} does not exist", code="RESERVATION_NOT_FOUND"
                )
            status = found.model.status
            if status is ReservationStatus.CONFIRMED:
                self._move(found, ReservationStatus.RESTOCKING)
            elif status is ReservationStatus.RESTOCKING:
                self._give_back(found, actor, reason)
                self._move(found, ReservationStatus.RESTOCKED)
            elif status is ReservationStatus.RESTOCKED:
                for a in found.model.allocations:
                    self._repo.forget_return(a.item_id, a.ship_node, reservation_id)
                return found.model.view()
            else:
                raise Conflict(
                    f"reservation {reservation_id!r} is {status.value.lower()}: "
                    "it deducted nothing to give back",
                    code="RESERVATION_NOT_CONFIRMED",
                )

    def _move(self, found: Stored[StoredReservation], status: ReservationStatus) -> None:
        """A lost race is fine: the loop reads what the other writer left."""
        self._repo.replace_reservation(found, status=status, updated_at=self._clock.now())

    def _give_back(self, found: Stored[StoredReservation], actor: str, reason: str) -> None:
        res = found.model
        try:
            for a in res.allocations:
                self._repo.return_units(a.item_id, a.ship_node, res.reservation_id, a.quantity)
        finally:
            self._changes.items_written([a.item_id for a in res.allocations])
        for a in res.allocations:
            record = supply_id(a.item_id, a.ship_node)
            self._repo.write_audit(
                operation="RESTOCK_RESERVATION",
                employee_id=actor,
                form_name=FORM,
                reference_type="INVENTORY",
                reference_value=record,
                before=None,
                after=ReturnAudit(returned=a.quantity),
                reason=reason,
                entry_id=f"restock:{res.reservation_id}:{record}",
            )
