"""Checkout's pure rules: money, owners, idempotency, lines, warnings, holds, numbers.

Nothing here does I/O or reads a clock: callers pass ``now``. Money is ``Decimal``
quantized to cents, and two amounts in different currencies are never added.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic_core import to_jsonable_python

from shared.checkout.model import (
    MAX_QUANTITY,
    CartLine,
    DeliveryOption,
    LineWarning,
    Money,
    Owner,
    Shopper,
    ShopperKind,
    Totals,
    WarningCode,
)
from shared.checkout.ports import CatalogItem, HoldLine
from shared.checkout.stored import APPLIED_KEYS, AppliedKey

CENT = Decimal("0.01")
_EVENT_NS = uuid.UUID("0c6f5b1e-2f5d-4a53-9d55-8f1f0a7e4c21")


# --- money -------------------------------------------------------------------------------
def money(amount: Decimal | int | str, currency: str) -> Money:
    return Money(amount=Decimal(amount).quantize(CENT, ROUND_HALF_UP), currency=currency)


def add(*amounts: Money, currency: str) -> Money:
    """The sum of ``amounts``, all in ``currency`` (a mix is a bug, never converted)."""
    if any(a.currency != currency for a in amounts):
        raise ValueError(f"cannot add amounts in {sorted({a.currency for a in amounts})}")
    return money(sum((a.amount for a in amounts), Decimal(0)), currency)


def times(unit: Money, quantity: int) -> Money:
    return money(unit.amount * quantity, unit.currency)


def totals(lines: Sequence[CartLine], delivery: Money | None, currency: str) -> Totals:
    subtotal = add(*(times(line.unit_price, line.quantity) for line in lines), currency=currency)
    charge = delivery or money(0, currency)
    return Totals(
        subtotal=subtotal, delivery=charge, total=add(subtotal, charge, currency=currency)
    )


# --- owners and idempotency ------------------------------------------------------------------
def owner_of(shopper: Shopper) -> Owner:
    """A visitor id is a bearer secret: only its digest is kept."""
    if shopper.kind is ShopperKind.CUSTOMER:
        return Owner(kind=shopper.kind, id=shopper.id)
    return Owner(kind=shopper.kind, id=hashlib.sha256(shopper.id.encode()).hexdigest()[:32])


def fingerprint(operation: str, *parts: Any) -> str:
    """The same request, the same fingerprint: tells a retry from a reused key."""
    canonical = json.dumps([operation, to_jsonable_python(parts, by_alias=True)], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def applied(keys: Iterable[AppliedKey], key: str) -> AppliedKey | None:
    return next((k for k in keys if k.key == key), None)


def remember(keys: Sequence[AppliedKey], key: str, fp: str) -> tuple[AppliedKey, ...]:
    """The last ``APPLIED_KEYS`` keys, this one last."""
    kept = [k for k in keys if k.key != key]
    return (*kept, AppliedKey(key=key, fingerprint=fp))[-APPLIED_KEYS:]


def derived_id(*parts: str) -> str:
    """A 32-hex id from its parts: a retried create (same owner, same key) finds the
    document the first attempt made instead of making another."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --- lines ---------------------------------------------------------------------------------
def line_for(item: CatalogItem, quantity: int) -> CartLine:
    assert item.price is not None
    return CartLine(
        sku=item.sku,
        product_id=item.product_id,
        name=item.name,
        quantity=quantity,
        unit_price=item.price,
    )


def with_added(lines: Sequence[CartLine], item: CatalogItem, quantity: int) -> tuple[CartLine, ...]:
    """One line per SKU: adding a SKU already there adds to its quantity, at the price
    the shopper sees now."""
    found = next((line for line in lines if line.sku == item.sku), None)
    if found is None:
        return (*lines, line_for(item, quantity))
    updated = line_for(item, found.quantity + quantity)
    return tuple(updated if line.sku == item.sku else line for line in lines)


def with_quantity(lines: Sequence[CartLine], sku: str, quantity: int) -> tuple[CartLine, ...]:
    return tuple(
        line.model_copy(update={"quantity": quantity}) if line.sku == sku else line
        for line in lines
    )


def without(lines: Sequence[CartLine], sku: str) -> tuple[CartLine, ...]:
    return tuple(line for line in lines if line.sku != sku)


def merged(
    target: Sequence[CartLine],
    incoming: Sequence[CartLine],
    available: Mapping[str, int | None],
) -> tuple[CartLine, ...]:
    """The customer's lines with the anonymous cart's added: one line per SKU,
    quantities summed, the sum capped by what the network can still promise (never
    below what the customer's line had) and by ``MAX_QUANTITY``. A SKU with nothing
    left comes over with its own quantity and reads OUT_OF_STOCK, rather than vanish."""
    result = {line.sku: line for line in target}
    for line in incoming:
        mine = result.get(line.sku)
        have = mine.quantity if mine else 0
        total = min(have + line.quantity, MAX_QUANTITY)
        left = available.get(line.sku)
        if left is not None:
            total = min(total, max(have, left))
        if mine is None:
            result[line.sku] = line.model_copy(update={"quantity": total or line.quantity})
        else:
            result[line.sku] = mine.model_copy(update={"quantity": total})
    return tuple(result.values())


def repriced(
    lines: Sequence[CartLine], items: Mapping[str, CatalogItem]
) -> tuple[tuple[CartLine, ...], tuple[tuple[str, Money, Money], ...]]:
    """Lines at the catalog's prices now, and ``(sku, was, now)`` for each that moved."""
    changes: list[tuple[str, Money, Money]] = []
    out: list[CartLine] = []
    for line in lines:
        item = items.get(line.sku)
        now = item.price if item is not None and item.sellable else None
        if now is not None and now != line.unit_price:
            changes.append((line.sku, line.unit_price, now))
            out.append(line.model_copy(update={"unit_price": now, "price_was": line.unit_price}))
        else:
            out.append(line)
    return tuple(out), tuple(changes)


def line_warnings(
    line: CartLine, item: CatalogItem | None, available: int | None, *, held: bool
) -> tuple[LineWarning, ...]:
    """What the shopper must see about a line: a price that moved, stock that is not
    there. Stock is not questioned while a live hold keeps the line's units."""
    warnings: list[LineWarning] = []
    if item is None or not item.sellable or item.price is None:
        warnings.append(
            LineWarning(code=WarningCode.UNAVAILABLE, message=f"{line.sku} is no longer sold")
        )
    elif item.price != line.unit_price:
        warnings.append(
            LineWarning(
                code=WarningCode.PRICE_CHANGED,
                message=f"the price of {line.sku} changed",
                was=line.unit_price,
                now=item.price,
            )
        )
    elif line.price_was is not None:
        warnings.append(
            LineWarning(
                code=WarningCode.PRICE_UPDATED,
                message=f"the price of {line.sku} was updated",
                was=line.price_was,
                now=line.unit_price,
            )
        )
    if not held and available is not None and available < line.quantity:
        code = WarningCode.OUT_OF_STOCK if available == 0 else WarningCode.NOT_ENOUGH_STOCK
        message = (
            f"{line.sku} is out of stock"
            if available == 0
            else f"only {available} of {line.sku} left"
        )
        warnings.append(LineWarning(code=code, message=message, available=available))
    return tuple(warnings)


# --- delivery and holds ----------------------------------------------------------------------
def option_id(level_of_service: str, carrier_service_code: str | None) -> str:
    return f"{level_of_service}:{carrier_service_code or '-'}"


def hold_lines(option: DeliveryOption) -> tuple[HoldLine, ...]:
    """Every unit pinned to the node of the shipment that carries it."""
    return tuple(
        HoldLine(sku=sku, ship_node=shipment.ship_node, quantity=qty)
        for shipment in option.shipments
        for sku, qty in shipment.quantities.items()
    )


def covers(option: DeliveryOption, lines: Sequence[CartLine]) -> bool:
    """The option ships exactly the cart's units (the cart did not change under it)."""
    shipped: dict[str, int] = {}
    for line in hold_lines(option):
        shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
    return shipped == {line.sku: line.quantity for line in lines}


def extended_until(
    now: float, started: float, expires: float, *, hold_seconds: int, max_seconds: int
) -> float | None:
    """When an active shopper's hold should now expire, or ``None`` to leave it: it is
    moved only once less than half of ``hold_seconds`` is left (a read every second
    writes nothing), never past ``max_seconds`` after it was made, and never back."""
    if expires <= now or expires - now > hold_seconds / 2:
        return None
    until = min(now + hold_seconds, started + max_seconds)
    return until if until > expires else None


# --- orders ----------------------------------------------------------------------------------
def order_number(order_id: str, at: datetime) -> str:
    """``YYYYMMDD-XXXXXXXX``: read over the phone; 40 bits of the id per day, so no hot
    counter document is needed to number orders."""
    digest = base64.b32encode(hashlib.sha256(order_id.encode()).digest()).decode()
    return f"{at:%Y%m%d}-{digest[:8]}"


def event_id(event_type: str, order_id: str) -> str:
    """Stable on replay: the change feed may deliver an order more than once."""
    return str(uuid.uuid5(_EVENT_NS, f"{event_type}|{order_id}"))
