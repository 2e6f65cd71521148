"""What a committed change leaves behind: its audit row and its event.

Pure functions, so the write path in ``service`` reads as a short transaction script.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.confighub.model import Actor, AuditOperation, Config
from shared.events import new_event

MASK = "******"
MAX_EVENT_VALUE = 64 * 1024
"""Longer values stay out of events (consumers read them from the hub): an event must
fit Event Hubs' 1 MB limit, or it would block the ordered outbox behind it forever."""
EVENT_TYPES = {
    AuditOperation.CREATE: "ConfigCreated",
    AuditOperation.UPDATE: "ConfigUpdated",
    AuditOperation.ROLLBACK: "ConfigUpdated",
    AuditOperation.DELETE: "ConfigDeleted",
}


@dataclass(frozen=True)
class SecretRule:
    """Which property names hold secrets: their values never leave in events or CRUD
    responses (Spring clients still receive them, they need them)."""

    pattern: re.Pattern[str]

    def is_secret(self, prop: str) -> bool:
        return self.pattern.search(prop) is not None

    def mask(self, config: Config) -> Config:
        if not self.is_secret(config.prop):
            return config
        return config.model_copy(update={"val": MASK, "secret": True})


def audit_values(
    operation: AuditOperation,
    *,
    before: Config | None,
    after: Config | None,
    actor: Actor,
    reason: str | None,
    now: datetime,
) -> dict[str, Any]:
    subject = after or before
    assert subject is not None
    return {
        "config_id": subject.config_id,
        "prop": subject.prop,
        "operation": operation.value,
        "old_val": before.val if before else None,
        "new_val": after.val if after else None,
        "old_version": before.version if before else None,
        "new_version": after.version if after else None,
        "updated_by": actor.subject,
        "reason": reason,
        "request_id": actor.request_id,
        "create_dttm": now,
    }


def change_event(
    operation: AuditOperation,
    config: Config,
    version: int,
    *,
    service_id: str,
    secrets: SecretRule,
    timestamp: datetime,
) -> tuple[str, str]:
    """``(event type, envelope JSON)`` for the outbox; the subject is the application."""
    payload: dict[str, Any] = {
        "configId": config.config_id,
        "application": config.application,
        "profile": config.profile,
        "label": config.label,
        "prop": config.prop,
        "version": version,
        "valType": config.val_type.value,
    }
    if (
        operation is not AuditOperation.DELETE
        and not secrets.is_secret(config.prop)
        and len(config.val) <= MAX_EVENT_VALUE
    ):
        payload["val"] = config.val
    event_type = EVENT_TYPES[operation]
    envelope = new_event(
        event_type,
        service_id=service_id,
        subject=config.application,
        version=version,
        payload=payload,
        timestamp=timestamp,
    )
    return event_type, json.dumps(envelope.to_wire(), separators=(",", ":"))
