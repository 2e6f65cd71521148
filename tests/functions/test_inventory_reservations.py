"""Reservations through the HTTP triggers and the expiry timer (embedded store)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.errors import Conflict
from shared.inventory.model import ReservationLine, ReserveInventory
from tests.functions.inventory_client import (
    ADMIN,
    ENTERPRISE,
    availability,
    put_node,
    put_supply,
    reservation_action,
    reserve,
    service_over,
)
from tests.http_client import function

START = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def clock(reg: Registry) -> ManualClock:
    """Installed before anything is built: every inventory part reads this clock."""
    manual = ManualClock(START)
    reg.override(clock=manual)
    return manual


@pytest.fixture
def stocked(reg: Registry, clock: ManualClock) -> Registry:
    put_node("DC1")
    put_node("DC2")
    put_supply("A", "DC1", 10)
    put_supply("A", "DC2", 3)
    put_supply("B", "DC1", 2)
    return reg


def supply(reg: Registry, item: str, node: str) -> tuple[int, int]:
    record = reg.inventory().supply.get_supply(item, node)
    return record.quantity, record.reserved


def network(item: str) -> int:
    return int(availability(item).json["network"]["available"])


def test_reserve_answers_201_with_the_reservation(stocked: Registry) -> None:
    resp = reserve("r1", [{"itemId": "A", "quantity": 2}], ttlSeconds=600)
    assert resp.status == 201
    assert resp.headers["Location"] == "/api/reservations/r1"
    assert "Idempotent-Replayed" not in resp.headers
    body = resp.json
    assert (body["reservationId"], body["enterpriseCode"], body["status"]) == (
        "r1",
        ENTERPRISE,
        "HELD",
    )
    assert body["lines"] == [{"itemId": "A", "quantity": 2, "shipNode": None}]
    assert body["allocations"] == [{"itemId": "A", "shipNode": "DC1", "quantity": 2}]
    assert datetime.fromisoformat(body["createdAt"]) == START
    assert datetime.fromisoformat(body["expiresAt"]).timestamp() == START.timestamp() + 600


def test_reserve_explicit_and_any_node(stocked: Registry) -> None:
    resp = reserve(
        "r1",
        [
            {"itemId": "A", "quantity": 3, "shipNode": "DC2"},
            {"itemId": "A", "quantity": 2},
            {"itemId": "B", "quantity": 2},
        ],
    )
    assert resp.status == 201
    assert resp.json["allocations"] == [
        {"itemId": "A", "shipNode": "DC2", "quantity": 3},
        {"itemId": "A", "shipNode": "DC1", "quantity": 2},
        {"itemId": "B", "shipNode": "DC1", "quantity": 2},
    ]
    assert (supply(stocked, "A", "DC1"), supply(stocked, "A", "DC2")) == ((10, 2), (3, 3))
    assert (network("A"), network("B")) == (8, 0)


def test_same_reservation_id_returns_the_first_result(stocked: Registry) -> None:
    first = reserve("r1", [{"itemId": "A", "quantity": 2}, {"itemId": "A", "quantity": 1}])
    again = reserve("r1", [{"itemId": "A", "quantity": 3}])
    assert (again.status, again.headers["Idempotent-Replayed"]) == (201, "true")
    assert again.json == first.json
    assert supply(stocked, "A", "DC1") == (10, 3)


def test_lines_of_same_item_and_node_are_summed_before_the_check(stocked: Registry) -> None:
    resp = reserve(
        "r1",
        [
            {"itemId": "A", "quantity": 2, "shipNode": "DC2"},
            {"itemId": "A", "quantity": 2, "shipNode": "DC2"},
        ],
    )
    assert (resp.status, resp.code) == (409, "INSUFFICIENT_INVENTORY")
    assert resp.json["error"]["details"] == {
        "lines": [{"itemId": "A", "shipNode": "DC2", "requested": 4, "available": 3}]
    }
    assert supply(stocked, "A", "DC2") == (3, 0)


def test_all_or_nothing_when_a_line_cannot_be_held(stocked: Registry) -> None:
    resp = reserve("r1", [{"itemId": "A", "quantity": 5}, {"itemId": "B", "quantity": 3}])
    assert (resp.status, resp.code) == (409, "INSUFFICIENT_INVENTORY")
    assert resp.json["error"]["details"] == {
        "lines": [{"itemId": "B", "shipNode": None, "requested": 3, "available": 2}]
    }
    assert (supply(stocked, "A", "DC1"), supply(stocked, "B", "DC1")) == ((10, 0), (2, 0))
    missing = reservation_action("get_reservation", "GET", "r1")
    assert (missing.status, missing.code) == (404, "RESERVATION_NOT_FOUND")
    assert reserve("r1", [{"itemId": "A", "quantity": 5}]).status == 201


def test_a_later_line_losing_its_race_undoes_the_earlier_holds(
    stocked: Registry, clock: ManualClock
) -> None:
    """Another client takes B between planning and holding: A's hold is given back."""

    def thief(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op == "patch" and container == "inventory" and args[0] == "B@DC1":
            now = clock.time()
            stocked.inventory().repo.hold("B", "DC1", "thief", 2, exp=now + 60, now=now)

    svc = service_over(stocked, thief)
    request = ReserveInventory(
        reservation_id="r1",
        enterprise_code=ENTERPRISE,
        lines=(ReservationLine(item_id="A", quantity=4), ReservationLine(item_id="B", quantity=1)),
    )
    with pytest.raises(Conflict) as err:
        svc.reservations.reserve(request)
    assert err.value.code == "INSUFFICIENT_INVENTORY"
    assert err.value.details == {
        "lines": [{"itemId": "B", "shipNode": None, "requested": 1, "available": 0}]
    }
    assert supply(stocked, "A", "DC1") == (10, 0)
    assert supply(stocked, "B", "DC1") == (2, 2)
    assert reservation_action("get_reservation", "GET", "r1").status == 404


def test_reusing_an_id_for_another_reservation_is_409(stocked: Registry) -> None:
    reserve("r1", [{"itemId": "A", "quantity": 1}])
    resp = reserve("r1", [{"itemId": "A", "quantity": 2}])
    assert (resp.status, resp.code) == (409, "RESERVATION_ID_REUSED")


@pytest.mark.parametrize(
    ("body_extra", "lines", "token", "status", "code"),
    [
        ({}, [{"itemId": "A", "quantity": 0}], None, 400, "VALIDATION_FAILED"),
        ({}, [], None, 400, "VALIDATION_FAILED"),
        ({"ttlSeconds": 0}, [{"itemId": "A", "quantity": 1}], None, 400, "VALIDATION_FAILED"),
        ({"ttlSeconds": 86_401}, [{"itemId": "A", "quantity": 1}], None, 422, "TTL_TOO_LONG"),
        ({}, [{"itemId": "A", "quantity": 1}], "", 401, "UNAUTHORIZED"),
        ({}, [{"itemId": "A", "quantity": 1}], ADMIN, 403, "FORBIDDEN"),
        ({}, [{"itemId": "ZZZ", "quantity": 1}], None, 409, "INSUFFICIENT_INVENTORY"),
    ],
    ids=[
        "zero-quantity",
        "no-lines",
        "zero-ttl",
        "ttl-too-long",
        "no-token",
        "wrong-role",
        "unknown-item",
    ],
)
def test_reserve_errors(
    stocked: Registry,
    body_extra: dict[str, Any],
    lines: list[dict[str, Any]],
    token: str | None,
    status: int,
    code: str,
) -> None:
    kw: dict[str, Any] = dict(body_extra)
    if token is not None:
        kw["token"] = token
    resp = reserve("r1", lines, **kw)
    assert (resp.status, resp.code) == (status, code)
    assert supply(stocked, "A", "DC1") == (10, 0)


def test_release_gives_back_and_is_idempotent(stocked: Registry) -> None:
    reserve("r1", [{"itemId": "A", "quantity": 6}])
    assert network("A") == 7
    first = reservation_action("delete_reservation", "DELETE", "r1")
    assert (first.status, first.json["status"]) == (200, "RELEASED")
    second = reservation_action("delete_reservation", "DELETE", "r1")
    assert (second.status, second.json["status"]) == (200, "RELEASED")
    assert supply(stocked, "A", "DC1") == (10, 0)
    assert network("A") == 13


def test_confirm_deducts_on_hand_and_is_idempotent(stocked: Registry) -> None:
    reserve("r1", [{"itemId": "A", "quantity": 6}])
    first = reservation_action("confirm_reservation", "POST", "r1", "/confirm")
    assert (first.status, first.json["status"]) == (200, "CONFIRMED")
    second = reservation_action("confirm_reservation", "POST", "r1", "/confirm")
    assert (second.status, second.json["status"]) == (200, "CONFIRMED")
    assert supply(stocked, "A", "DC1") == (4, 0)
    assert stocked.inventory().supply.get_supply("A", "DC1").holds == {}
    assert network("A") == 7


@pytest.mark.parametrize(
    ("first", "then", "status", "code"),
    [
        (
            ("delete_reservation", "DELETE", ""),
            ("confirm_reservation", "POST", "/confirm"),
            409,
            "RESERVATION_RELEASED",
        ),
        (
            ("confirm_reservation", "POST", "/confirm"),
            ("delete_reservation", "DELETE", ""),
            409,
            "RESERVATION_CONFIRMED",
        ),
    ],
    ids=["confirm-after-release", "release-after-confirm"],
)
def test_state_conflicts(
    stocked: Registry,
    first: tuple[str, str, str],
    then: tuple[str, str, str],
    status: int,
    code: str,
) -> None:
    reserve("r1", [{"itemId": "A", "quantity": 1}])
    reservation_action(first[0], first[1], "r1", first[2])
    resp = reservation_action(then[0], then[1], "r1", then[2])
    assert (resp.status, resp.code) == (status, code)


@pytest.mark.parametrize(
    ("name", "method", "suffix"),
    [
        ("get_reservation", "GET", ""),
        ("delete_reservation", "DELETE", ""),
        ("confirm_reservation", "POST", "/confirm"),
    ],
    ids=["get", "release", "confirm"],
)
def test_unknown_reservation_is_404(stocked: Registry, name: str, method: str, suffix: str) -> None:
    resp = reservation_action(name, method, "nope", suffix)
    assert (resp.status, resp.code) == (404, "RESERVATION_NOT_FOUND")


def reserve_in_the_past(clock: ManualClock, rid: str, qty: int, age: float = 120) -> None:
    """A 60-second hold made ``age`` seconds ago: expired by now, the timer not yet run."""
    clock.advance(-age)
    resp = reserve(rid, [{"itemId": "A", "quantity": qty, "shipNode": "DC1"}], ttlSeconds=60)
    clock.advance(age)
    assert resp.status == 201


def test_availability_ignores_expired_holds_before_the_timer(
    stocked: Registry, clock: ManualClock
) -> None:
    reserve_in_the_past(clock, "old", 8)
    assert supply(stocked, "A", "DC1") == (10, 8)
    assert network("A") == 13
    resp = reserve("new", [{"itemId": "A", "quantity": 9, "shipNode": "DC1"}])
    assert resp.status == 201
    assert supply(stocked, "A", "DC1") == (10, 9)
    assert network("A") == 4


def test_an_expired_hold_reads_as_expired_before_the_timer(
    stocked: Registry, clock: ManualClock
) -> None:
    """Availability and confirm treat a hold as gone once ``expiresAt`` passes; the read
    must agree with them rather than wait up to a minute for the timer."""
    reserve_in_the_past(clock, "old", 8)
    read = reservation_action("get_reservation", "GET", "old")
    assert (read.status, read.json["status"]) == (200, "EXPIRED")
    replayed = reserve("old", [{"itemId": "A", "quantity": 8, "shipNode": "DC1"}], ttlSeconds=60)
    assert (replayed.status, replayed.json["status"]) == (201, "EXPIRED")
    stored = stocked.inventory().repo.read_reservation("old")
    assert stored is not None and stored.model.status == "HELD"


def test_releasing_an_expired_hold_leaves_it_expired(stocked: Registry, clock: ManualClock) -> None:
    """It read EXPIRED a moment before; a release must not turn it into RELEASED."""
    reserve_in_the_past(clock, "old", 8)
    for _ in range(2):
        resp = reservation_action("delete_reservation", "DELETE", "old")
        assert (resp.status, resp.json["status"]) == (200, "EXPIRED")
    assert reservation_action("get_reservation", "GET", "old").json["status"] == "EXPIRED"
    assert supply(stocked, "A", "DC1") == (10, 0)


def test_confirming_an_expired_reservation_is_409(stocked: Registry, clock: ManualClock) -> None:
    reserve_in_the_past(clock, "old", 8)
    resp = reservation_action("confirm_reservation", "POST", "old", "/confirm")
    assert (resp.status, resp.code) == (409, "RESERVATION_EXPIRED")
    assert reservation_action("get_reservation", "GET", "old").json["status"] == "EXPIRED"
    assert supply(stocked, "A", "DC1") == (10, 0)


def test_expiry_timer_expires_due_holds_once(stocked: Registry, clock: ManualClock) -> None:
    reserve_in_the_past(clock, "old", 8)
    reserve("live", [{"itemId": "A", "quantity": 1, "shipNode": "DC1"}])
    timer = function("inventory_expire_reservations")
    timer(None)
    timer(None)
    assert reservation_action("get_reservation", "GET", "old").json["status"] == "EXPIRED"
    assert reservation_action("get_reservation", "GET", "live").json["status"] == "HELD"
    assert supply(stocked, "A", "DC1") == (10, 1)


def test_timer_gives_back_an_abandoned_attempt(stocked: Registry, clock: ManualClock) -> None:
    """A crash between holding and marking HELD leaves a PENDING plan; after the
    attempt timeout the timer releases what it held and forgets it."""

    def crash(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op == "replace" and container == "reservations" and args[0].get("status") == "HELD":
            raise RuntimeError("process died")

    svc = service_over(stocked, crash)
    request = ReserveInventory(
        reservation_id="crash",
        enterprise_code=ENTERPRISE,
        lines=(ReservationLine(item_id="A", quantity=5),),
    )
    clock.advance(-100)
    with pytest.raises(RuntimeError):
        svc.reservations.reserve(request)
    clock.advance(100)
    assert supply(stocked, "A", "DC1") == (10, 5)
    assert reservation_action("get_reservation", "GET", "crash").json["status"] == "PENDING"
    retry = reserve("crash", [{"itemId": "A", "quantity": 5}])
    assert (retry.status, retry.json["status"]) == (201, "HELD")
    assert supply(stocked, "A", "DC1") == (10, 5)


def test_timer_undoes_an_abandoned_attempt_nobody_retried(
    stocked: Registry, clock: ManualClock
) -> None:
    def crash(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op == "replace" and container == "reservations" and args[0].get("status") == "HELD":
            raise RuntimeError("process died")

    svc = service_over(stocked, crash)
    request = ReserveInventory(
        reservation_id="crash",
        enterprise_code=ENTERPRISE,
        lines=(ReservationLine(item_id="A", quantity=5),),
    )
    clock.advance(-100)
    with pytest.raises(RuntimeError):
        svc.reservations.reserve(request)
    clock.advance(100)
    function("inventory_expire_reservations")(None)
    assert supply(stocked, "A", "DC1") == (10, 0)
    assert reservation_action("get_reservation", "GET", "crash").status == 404


def test_a_fresh_pending_attempt_answers_in_progress(stocked: Registry) -> None:
    def crash(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op == "replace" and container == "reservations" and args[0].get("status") == "HELD":
            raise RuntimeError("process died")

    with pytest.raises(RuntimeError):
        service_over(stocked, crash).reservations.reserve(
            ReserveInventory(
                reservation_id="busy",
                enterprise_code=ENTERPRISE,
                lines=(ReservationLine(item_id="A", quantity=1),),
            )
        )
    resp = reserve("busy", [{"itemId": "A", "quantity": 1}])
    assert (resp.status, resp.code) == (409, "RESERVATION_IN_PROGRESS")
