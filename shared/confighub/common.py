"""Small pure helpers shared by the service and the repository."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from shared.errors import BadRequest


def sql_time(instant: datetime) -> datetime:
    """An instant as ConfigHub stores times: naive UTC to the second (MySQL DATETIME
    keeps no fraction, so what a write returns equals what a later read returns)."""
    return instant.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def encode_token(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"c:{last_id}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind != "c" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except ValueError:
        raise BadRequest("invalid continuationToken", code="INVALID_CONTINUATION_TOKEN") from None
