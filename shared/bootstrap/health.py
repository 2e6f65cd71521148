"""What the health of each dependency means for the instance.

The platform recycles an instance whose health endpoint fails, so the answer must say
whether recycling could help. An instance whose store of record is down (SQL for
ConfigHub, the document store for everything else) cannot serve: ``unavailable``, a 503.
One whose cache, bus or catalog source is down still serves, slower or staler (the cache
is bypassed, events wait in the outbox and the change feeds, products come from the cache
past their TTL): ``degraded``, a 200 that names what is down. Recycling it would only
add a cold start to the outage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

ESSENTIAL = frozenset({"sql", "documents"})
"""The stores of record; any other check is an accelerator or a side channel."""

Status = Literal["ok", "degraded", "unavailable"]


def health_status(report: Mapping[str, tuple[bool, str]]) -> Status:
    failed = {name for name, (ok, _) in report.items() if not ok}
    if failed & ESSENTIAL:
        return "unavailable"
    return "degraded" if failed else "ok"
