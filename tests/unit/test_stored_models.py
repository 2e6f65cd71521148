"""Stored models: the partition key paths the infrastructure reads are their fields'
aliases, and a public view carries none of what only the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.inventory.model import Hold, Reservation, ReservationStatus, SupplyRecord
from shared.inventory.stored import (
    AUDIT,
    AUDIT_PARTITION,
    NODE,
    NODE_PARTITION,
    RESERVATION,
    RESERVATION_PARTITION,
    SUPPLY,
    SUPPLY_PARTITION,
    StoredReservation,
    StoredSupply,
    changed_supply,
)

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (SUPPLY_PARTITION, SUPPLY.item_id),
        (NODE_PARTITION, NODE.enterprise_code),
        (RESERVATION_PARTITION, RESERVATION.reservation_id),
        (AUDIT_PARTITION, AUDIT.reference_value),
    ],
    ids=["inventory", "ship_nodes", "reservations", "inventory_audit"],
)
def test_partition_keys_are_the_fields_aliases(path: str, field: str) -> None:
    assert path == "/" + field


def test_a_supply_view_has_the_record_fields_only() -> None:
    stored = StoredSupply.model_validate(
        {
            "id": "A@DC1",
            "docType": "supply",
            "itemId": "A",
            "shipNode": "DC1",
            "enterpriseCode": "E",
            "quantity": 5,
            "holds": {"h1": {"reservationId": "r1", "quantity": 2, "exp": 9.5}},
            "version": 3,
            "writtenByANewerRelease": True,
        }
    )
    view = stored.view()
    assert type(view) is SupplyRecord
    assert view.model_dump(by_alias=True) == {
        "itemId": "A",
        "shipNode": "DC1",
        "enterpriseCode": "E",
        "quantity": 5,
        "reserved": 0,
        "safetyStock": 0,
        "threshold": 0,
        "infinite": False,
        "holds": {"h1": {"reservationId": "r1", "quantity": 2, "exp": 9.5}},
        "modifyts": None,
        "version": 3,
    }
    assert stored.holds["h1"] == Hold(reservation_id="r1", quantity=2, exp=9.5)
    assert stored.to_document()["writtenByANewerRelease"] is True


def test_a_reservation_view_hides_the_fingerprint_and_deadlines() -> None:
    stored = StoredReservation(
        id="r1",
        reservation_id="r1",
        enterprise_code="E",
        status=ReservationStatus.HELD,
        lines=(),
        created_at=AT,
        expires_at=AT,
        fingerprint="f" * 64,
        ttl_seconds=60,
        expires_at_epoch=AT.timestamp(),
        attempt_expires_at=AT.timestamp(),
    )
    view = stored.view()
    assert type(view) is Reservation
    assert set(view.model_dump(by_alias=True)) == {
        "reservationId",
        "enterpriseCode",
        "status",
        "lines",
        "allocations",
        "expiresAt",
        "createdAt",
        "updatedAt",
    }


def test_the_change_feed_sees_only_supply_documents() -> None:
    batch = [
        {"id": "A@DC1", "docType": "supply", "itemId": "A", "shipNode": "DC1"},
        {"id": "A@DC2", "docType": "supply", "itemId": "A", "shipNode": "DC2"},
        {"id": "A@@E", "docType": "networkStatus", "itemId": "A"},
        {"id": "B@DC1", "docType": "supply", "itemId": "B", "shipNode": "DC1"},
    ]
    assert changed_supply(batch) == {"A": {"DC1", "DC2"}, "B": {"DC1"}}
