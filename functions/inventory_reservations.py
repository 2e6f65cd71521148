"""Reservations: all-or-nothing holds, idempotent by reservationId."""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, Reply, endpoint
from shared import bootstrap
from shared.inventory.model import Code, ReserveInventory
from shared.inventory.service import InventoryService
from shared.security import INVENTORY_RESERVE
from shared.wire import RequestModel

bp = func.Blueprint()
RESERVERS = [INVENTORY_RESERVE]


class ReservationRoute(RequestModel):
    reservation_id: Code


def service() -> InventoryService:
    return bootstrap.registry().inventory()


@bp.route(route="reservations", methods=["POST"])
@endpoint(body=ReserveInventory, roles=RESERVERS)
def post_reservation(call: Call[ReserveInventory, None, None]) -> Reply:
    """A repeat of the same request answers like the first one (201), marked replayed."""
    reservation, fresh = service().reservations.reserve(call.body)
    headers = {"Location": f"/api/reservations/{reservation.reservation_id}"}
    if not fresh:
        headers["Idempotent-Replayed"] = "true"
    return Reply(201, reservation, headers=headers)


@bp.route(route="reservations/{reservationId}", methods=["GET"])
@endpoint(route=ReservationRoute, roles=RESERVERS)
def get_reservation(call: Call[None, None, ReservationRoute]) -> Reply:
    return Reply(200, service().reservations.get(call.route.reservation_id))


@bp.route(route="reservations/{reservationId}", methods=["DELETE"])
@endpoint(route=ReservationRoute, roles=RESERVERS)
def delete_reservation(call: Call[None, None, ReservationRoute]) -> Reply:
    return Reply(200, service().reservations.release(call.route.reservation_id))


@bp.route(route="reservations/{reservationId}/confirm", methods=["POST"])
@endpoint(route=ReservationRoute, roles=RESERVERS)
def confirm_reservation(call: Call[None, None, ReservationRoute]) -> Reply:
    return Reply(200, service().reservations.confirm(call.route.reservation_id))
