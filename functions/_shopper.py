"""Who is shopping, and the idempotency of their writes: read once for every checkout
trigger, as ``_http`` reads bodies and ETags for every route.

A customer sends a bearer token with the role ``Customer``; an anonymous shopper sends
``X-Visitor-Id`` (22 to 64 URL-safe characters, made at random by the storefront and kept
by it). Cart writes carry ``Idempotency-Key``; a reply marks a repeat
``Idempotent-Replayed: true`` and carries the cart's version as its ``ETag``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions._http import Call, Reply, authenticate
from shared.checkout.model import (
    IDEMPOTENCY_KEY_PATTERN,
    VISITOR_ID_PATTERN,
    Shopper,
    ShopperKind,
)
from shared.errors import BadRequest, Unauthorized
from shared.security import CUSTOMER, ORDER_ADMIN, require_any_role

if TYPE_CHECKING:
    from shared.checkout.service import CartAnswer, Write

VISITOR_HEADER = "X-Visitor-Id"
KEY_HEADER = "Idempotency-Key"
_VISITOR = re.compile(VISITOR_ID_PATTERN)
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def shopper(call: Call[Any, Any, Any]) -> Shopper:
    """The customer of a bearer token, else the visitor of ``X-Visitor-Id``; 401 with
    neither, 403 for a token without the ``Customer`` role."""
    if call.header("Authorization"):
        return customer(call)
    return visitor(call)


def customer(call: Call[Any, Any, Any]) -> Shopper:
    principal = authenticate(call.request)
    require_any_role(principal, [CUSTOMER])
    return Shopper(kind=ShopperKind.CUSTOMER, id=principal.subject)


def visitor(call: Call[Any, Any, Any]) -> Shopper:
    value = call.header(VISITOR_HEADER)
    if value is None:
        raise Unauthorized(
            f"send a bearer token (role {CUSTOMER}) or an {VISITOR_HEADER} header",
            code="SHOPPER_REQUIRED",
        )
    if not _VISITOR.fullmatch(value):
        raise BadRequest(
            f"{VISITOR_HEADER} must be 22 to 64 letters, digits, '-' or '_'",
            code="INVALID_VISITOR_ID",
        )
    return Shopper(kind=ShopperKind.VISITOR, id=value)


@dataclass(frozen=True)
class OrderCaller:
    shopper: Shopper | None
    """The customer or visitor whose orders these are; ``None`` for an admin alone."""
    admin: bool
    actor: str
    """Who the audit names: the token's subject, or ``visitor`` (never the visitor id)."""


def order_caller(call: Call[Any, Any, Any]) -> OrderCaller:
    """An ``Order.Admin`` token reads and cancels any order."""
    if not call.header("Authorization"):
        return OrderCaller(visitor(call), admin=False, actor="visitor")
    principal = authenticate(call.request)
    require_any_role(principal, [CUSTOMER, ORDER_ADMIN])
    mine = Shopper(kind=ShopperKind.CUSTOMER, id=principal.subject)
    return OrderCaller(
        mine if CUSTOMER in principal.roles else None,
        admin=ORDER_ADMIN in principal.roles,
        actor=principal.subject,
    )


def write(call: Call[Any, Any, Any], operation: str, *request: Any) -> Write:
    """The request's ``Idempotency-Key`` (required: a double click must add once) and
    its fingerprint."""
    # Imported on first use: the checkout service is not part of a cold start.
    from shared.checkout.rules import fingerprint
    from shared.checkout.service import Write

    key = call.header(KEY_HEADER)
    if key is None:
        raise BadRequest(
            f"this write needs an {KEY_HEADER} header", code="IDEMPOTENCY_KEY_REQUIRED"
        )
    if not _KEY.fullmatch(key):
        raise BadRequest(
            f"{KEY_HEADER} must be 1 to 64 letters, digits, '.', ':', '-' or '_'",
            code="INVALID_IDEMPOTENCY_KEY",
        )
    return Write(key=key, fingerprint=fingerprint(operation, *request))


def cart_reply(answer: CartAnswer, status: int = 200, **headers: str) -> Reply:
    sent = dict(headers)
    if not answer.fresh:
        sent["Idempotent-Replayed"] = "true"
    return Reply(status, answer.cart, headers=sent, etag=answer.cart.version)
