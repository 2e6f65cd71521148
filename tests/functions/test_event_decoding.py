"""functions/_events.py: a batch becomes envelopes once; a malformed event is skipped (it
would block its partition forever if retried), counted and logged with where it lies."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import azure.functions as func
import pytest
from azure.functions.meta import Datum

from functions._events import envelopes, malformed_events
from shared.events import EventEnvelope

GOOD = EventEnvelope(
    event_id="e-1",
    event_type="ConfigUpdated",
    timestamp=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    service_id="commerce-functions",
    subject="omni-product",
    version=3,
    payload={"configId": 7},
)


def event(body: bytes, offset: int, partition: str | None = "2") -> func.EventHubEvent:
    context = json.dumps({"PartitionId": partition})
    metadata = {"PartitionContext": Datum(context, "json")} if partition else None
    return func.EventHubEvent(
        body=body,
        offset=str(offset),
        sequence_number=offset,
        partition_key="omni-product",
        trigger_metadata=metadata,
    )


def test_a_batch_becomes_its_envelopes_in_order() -> None:
    second = GOOD.model_copy(update={"event_id": "e-2", "version": 4})
    batch = [event(json.dumps(e.to_wire()).encode(), n) for n, e in enumerate([GOOD, second])]
    assert envelopes(batch, consumer="test-order") == [GOOD, second]
    assert malformed_events().get("test-order") is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe not json", "not JSON"),
        (b'{"eventType": ', "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (
            json.dumps({"eventType": "X"}).encode(),
            "not an envelope: payload, serviceId, subject, version",
        ),
        (json.dumps([1, 2]).encode(), "not an envelope: body"),
    ],
    ids=["bytes", "truncated", "deeply-nested", "missing-fields", "array"],
)
def test_a_malformed_event_is_skipped_counted_and_logged_with_its_place(
    caplog: pytest.LogCaptureFixture, body: bytes, reason: str
) -> None:
    consumer = f"test-{reason[:8]}-{len(body)}"
    good = event(json.dumps(GOOD.to_wire()).encode(), 40)
    with caplog.at_level(logging.ERROR, logger="functions.events"):
        decoded = envelopes([good, event(body, 41), good], consumer=consumer)
    assert decoded == [GOOD, GOOD]
    assert malformed_events()[consumer] == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"{consumer}: skipped a malformed event ({reason}) at partition 2, offset 41, sequence 41"
    ]


def test_the_partition_is_unknown_when_the_host_gives_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="functions.events"):
        assert envelopes([event(b"x", 7, partition=None)], consumer="test-no-partition") == []
    assert caplog.records[0].getMessage().endswith("at partition ?, offset 7, sequence 7")
