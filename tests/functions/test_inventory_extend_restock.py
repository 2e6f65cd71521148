"""Extending a live hold and restocking a confirmed reservation, on both stores: the
in-process operations checkout uses while a shopper is active and when an order is
cancelled."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.errors import Conflict, RuleViolation
from shared.inventory.model import ReservationLine, ReservationStatus, ReserveInventory
from shared.inventory.rules import LOCKED_EXP, hold_key
from tests.functions.inventory_client import ENTERPRISE, put_node, put_supply, service_over

START = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
T0 = START.timestamp()


@pytest.fixture
def clock(reg: Registry) -> ManualClock:
    manual = ManualClock(START)
    reg.override(clock=manual)
    return manual


@pytest.fixture
def stocked(reg: Registry, clock: ManualClock) -> Registry:
    put_node("DC1")
    put_node("DC2")
    put_supply("A", "DC1", 10)
    put_supply("A", "DC2", 4)
    return reg


def hold(reg: Registry, rid: str, ttl: int = 600) -> None:
    lines = (
        ReservationLine(item_id="A", quantity=3, ship_node="DC1"),
        ReservationLine(item_id="A", quantity=2, ship_node="DC2"),
    )
    request = ReserveInventory(
        reservation_id=rid, enterprise_code=ENTERPRISE, lines=lines, ttl_seconds=ttl
    )
    reg.inventory().reservations.reserve(request)


def hold_exps(reg: Registry, rid: str) -> dict[str, float]:
    records = reg.inventory().repo.records_for_items(["A"])
    return {r.ship_node: r.holds[hold_key(rid)].exp for r in records if hold_key(rid) in r.holds}


def on_hand(reg: Registry) -> dict[str, tuple[int, int]]:
    return {
        r.ship_node: (r.quantity, r.reserved) for r in reg.inventory().repo.records_for_items(["A"])
    }


def test_extend_moves_every_hold_then_the_document(stocked: Registry, clock: ManualClock) -> None:
    hold(stocked, "r1")
    clock.advance(500)
    extended = stocked.inventory().reservations.extend("r1", T0 + 1400)
    assert (extended.status, extended.expires_at.timestamp()) == (ReservationStatus.HELD, T0 + 1400)
    assert hold_exps(stocked, "r1") == {"DC1": T0 + 1400, "DC2": T0 + 1400}
    clock.advance(700)
    assert stocked.inventory().reservations.get("r1").status is ReservationStatus.HELD
    available = stocked.inventory().availability.get_availability("A", ENTERPRISE)
    assert (available.network.available, available.valid_until) == (9, T0 + 1400)


def test_extend_never_shortens(stocked: Registry) -> None:
    hold(stocked, "r1")
    same = stocked.inventory().reservations.extend("r1", T0 + 300)
    assert same.expires_at.timestamp() == T0 + 600
    assert hold_exps(stocked, "r1") == {"DC1": T0 + 600, "DC2": T0 + 600}


def test_extend_past_the_longest_hold_is_refused(stocked: Registry) -> None:
    hold(stocked, "r1")
    with pytest.raises(RuleViolation) as err:
        stocked.inventory().reservations.extend("r1", T0 + 86_401)
    assert (err.value.code, err.value.details) == ("TTL_TOO_LONG", {"maxTtlSeconds": 86_400})
    assert hold_exps(stocked, "r1") == {"DC1": T0 + 600, "DC2": T0 + 600}


def test_an_expired_hold_cannot_be_extended(stocked: Registry, clock: ManualClock) -> None:
    hold(stocked, "r1")
    clock.advance(601)
    with pytest.raises(Conflict) as err:
        stocked.inventory().reservations.extend("r1", T0 + 1200)
    assert err.value.code == "RESERVATION_EXPIRED"
    assert stocked.inventory().reservations.get("r1").status is ReservationStatus.EXPIRED
    assert on_hand(stocked) == {"DC1": (10, 0), "DC2": (4, 0)}


def test_a_hold_gone_at_one_node_ends_the_reservation(stocked: Registry) -> None:
    """The document still says HELD but the DC2 hold is gone when its turn comes:
    nothing is left promised, the reservation ends EXPIRED and DC1's units come back."""
    hold(stocked, "r1")

    def lost(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op == "patch" and container == "inventory" and args[0] == "A@DC2":
            stocked.inventory().repo.release_hold("A", "DC2", "r1", 2)

    with pytest.raises(Conflict) as err:
        service_over(stocked, lost).reservations.extend("r1", T0 + 1200)
    assert err.value.code == "RESERVATION_EXPIRED"
    assert stocked.inventory().reservations.get("r1").status is ReservationStatus.EXPIRED
    assert on_hand(stocked) == {"DC1": (10, 0), "DC2": (4, 0)}


@pytest.mark.parametrize(
    ("ended", "code"),
    [("release", "RESERVATION_RELEASED"), ("confirm", "RESERVATION_CONFIRMED")],
    ids=["released", "confirmed"],
)
def test_an_ended_reservation_cannot_be_extended(stocked: Registry, ended: str, code: str) -> None:
    hold(stocked, "r1")
    getattr(stocked.inventory().reservations, ended)("r1")
    with pytest.raises(Conflict) as err:
        stocked.inventory().reservations.extend("r1", T0 + 1200)
    assert err.value.code == code


def test_a_locked_hold_is_never_moved_back_into_reach(stocked: Registry) -> None:
    hold(stocked, "r1")
    repo = stocked.inventory().repo
    assert repo.lock_hold("A", "DC1", "r1", T0, LOCKED_EXP)
    assert repo.extend_hold("A", "DC1", "r1", T0, T0 + 1200) is False
    assert repo.extend_hold("A", "DC2", "r1", T0, T0 + 1200) is True
    assert hold_exps(stocked, "r1") == {"DC1": LOCKED_EXP, "DC2": T0 + 1200}


def test_restock_gives_back_once_and_audits_each_record(stocked: Registry) -> None:
    hold(stocked, "r1")
    stocked.inventory().reservations.confirm("r1")
    assert on_hand(stocked) == {"DC1": (7, 0), "DC2": (2, 0)}
    book = stocked.inventory().restocks
    first = book.restock("r1", "alice", "order 1 cancelled")
    again = book.restock("r1", "alice", "order 1 cancelled")
    assert (first.status, again.status) == (
        ReservationStatus.RESTOCKED,
        ReservationStatus.RESTOCKED,
    )
    assert on_hand(stocked) == {"DC1": (10, 0), "DC2": (4, 0)}
    markers = [stocked.inventory().repo.read_supply("A", n) for n in ("DC1", "DC2")]
    assert [m.model.restocks if m else None for m in markers] == [{}, {}]
    audit = stocked.inventory().repo.list_audit("A@DC1")
    restocks = [
        (a.operation, a.employee_id, a.reason, a.changes.after)
        for a in audit
        if a.operation == "RESTOCK_RESERVATION"
    ]
    assert restocks == [("RESTOCK_RESERVATION", "alice", "order 1 cancelled", {"returned": 3})]


@pytest.mark.parametrize(
    "crash_at", ["A@DC2", "audit", "RESTOCKED"], ids=["second-line", "audit", "final-status"]
)
def test_a_restock_that_crashed_midway_gives_back_exactly_once(
    stocked: Registry, crash_at: str
) -> None:
    hold(stocked, "r1")
    stocked.inventory().reservations.confirm("r1")

    def crash(op: str, container: str, args: tuple[Any, ...]) -> None:
        hit = (
            (op == "patch" and container == "inventory" and args[0] == crash_at)
            or (op == "create" and container == "inventory_audit" and crash_at == "audit")
            or (
                op == "replace"
                and container == "reservations"
                and args[0].get("status") == crash_at
            )
        )
        if hit:
            raise RuntimeError("process died")

    with pytest.raises(RuntimeError):
        service_over(stocked, crash).restocks.restock("r1", "alice", "cancelled")
    done = stocked.inventory().restocks.restock("r1", "alice", "cancelled")
    assert done.status is ReservationStatus.RESTOCKED
    assert on_hand(stocked) == {"DC1": (10, 0), "DC2": (4, 0)}
    audited = [
        a.reference_value
        for record in ("A@DC1", "A@DC2")
        for a in stocked.inventory().repo.list_audit(record)
        if a.operation == "RESTOCK_RESERVATION"
    ]
    assert audited == ["A@DC1", "A@DC2"]


def test_a_held_reservation_cannot_be_restocked(stocked: Registry) -> None:
    hold(stocked, "r1")
    with pytest.raises(Conflict) as err:
        stocked.inventory().restocks.restock("r1", "alice", "cancelled")
    assert err.value.code == "RESERVATION_NOT_CONFIRMED"
    assert on_hand(stocked) == {"DC1": (10, 3), "DC2": (4, 2)}


def test_a_restocked_reservation_cannot_be_released(stocked: Registry) -> None:
    hold(stocked, "r1")
    stocked.inventory().reservations.confirm("r1")
    stocked.inventory().restocks.restock("r1", "alice", "cancelled")
    with pytest.raises(Conflict) as err:
        stocked.inventory().reservations.release("r1")
    assert err.value.code == "RESERVATION_CONFIRMED"
