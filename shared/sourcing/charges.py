"""Shipping charges: rate tables by zone and weight, free shipping, dominated options.

Pure. A carrier service's rate table prices one parcel by its zone (the distance band from
the node to the destination, as the carriers' zone charts do) and its billable weight
(grams rounded up to whole pounds, at least one). An option's charge is the sum of its
shipments'; a cart whose merchandise reaches the free-shipping threshold of the option's
level of service (read from ConfigHub, so an operator changes it without a deploy) ships
free. An option both slower and not cheaper than another, or as fast and dearer, is
dropped, and the explanation says which option dominated it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_serializer, model_validator

from shared.sourcing.calendars import SourcingModel

GRAMS_PER_POUND = 453.59237
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Money(SourcingModel):
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
    currency: CurrencyCode

    @field_serializer("amount")
    def _amount_text(self, amount: Decimal) -> str:
        return f"{amount:.2f}"


class RateZone(SourcingModel):
    zone: str = Field(min_length=1, max_length=16)
    up_to_miles: float = Field(gt=0)


class RatePrice(SourcingModel):
    zone: str = Field(min_length=1, max_length=16)
    up_to_pounds: int = Field(gt=0, le=150)
    amount: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


class RateTable(SourcingModel):
    """Zones in ascending ``upToMiles`` (beyond the last: the last), and per zone prices
    in ascending ``upToPounds``; a parcel heavier than a zone's heaviest price is not
    carried by the service."""

    currency: CurrencyCode = "USD"
    zones: tuple[RateZone, ...] = Field(min_length=1, max_length=20)
    prices: tuple[RatePrice, ...] = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> RateTable:
        miles = [z.up_to_miles for z in self.zones]
        if miles != sorted(set(miles)):
            raise ValueError("rate zones must be in ascending, distinct upToMiles order")
        names = {z.zone for z in self.zones}
        priced = {p.zone for p in self.prices}
        if priced - names:
            raise ValueError(f"prices name zones the table has not: {sorted(priced - names)}")
        if names - priced:
            raise ValueError(f"zones without a price: {sorted(names - priced)}")
        return self

    def zone_for(self, miles: float) -> str:
        for zone in self.zones:
            if miles <= zone.up_to_miles:
                return zone.zone
        return self.zones[-1].zone

    def price(self, zone: str, pounds: int) -> Decimal | None:
        rows = sorted((p for p in self.prices if p.zone == zone), key=lambda p: p.up_to_pounds)
        return next((p.amount for p in rows if pounds <= p.up_to_pounds), None)


def billable_pounds(grams: int) -> int:
    return max(1, math.ceil(grams / GRAMS_PER_POUND - 1e-9))


def parcel_charge(table: RateTable | None, miles: float, grams: int) -> Decimal | None:
    """A service without a rate table charges nothing; ``None``: too heavy for it."""
    if table is None:
        return Decimal("0.00")
    return table.price(table.zone_for(miles), billable_pounds(grams))


def free_shipping(
    level: str, subtotal: Money | None, thresholds: Mapping[str, Money]
) -> Money | None:
    """The threshold the cart reaches for ``level``, if it reaches one."""
    threshold = thresholds.get(level)
    if threshold is None or subtotal is None or subtotal.currency != threshold.currency:
        return None
    return threshold if subtotal.amount >= threshold.amount else None


class Offer(SourcingModel):
    """What dominance compares of an option."""

    level_of_service: str
    delivery: str
    """ISO date: ISO dates compare in calendar order."""
    charge: Money
    guaranteed: bool
    shipments: int


def dominated(offers: Sequence[Offer]) -> dict[str, str]:
    """``level -> why`` for each offer another makes pointless: it arrives no later and
    costs no more (in the same currency), and is better in one of the two, or, equal in
    both, is guaranteed where this one is estimated, or needs fewer shipments, or comes
    first by name (two identical offers are shown once)."""
    out: dict[str, str] = {}
    for a in offers:
        for b in offers:
            if b is a or b.charge.currency != a.charge.currency:
                continue
            if b.delivery > a.delivery or b.charge.amount > a.charge.amount:
                continue
            strictly = b.delivery < a.delivery or b.charge.amount < a.charge.amount
            tie = (not b.guaranteed, b.shipments, b.level_of_service) < (
                not a.guaranteed,
                a.shipments,
                a.level_of_service,
            )
            if strictly or tie:
                out[a.level_of_service] = _why(a, b)
                break
    return out


def _why(a: Offer, b: Offer) -> str:
    when = "the same date" if b.delivery == a.delivery else f"earlier, on {b.delivery}"
    cost = (
        "for the same charge"
        if b.charge.amount == a.charge.amount
        else f"for {b.charge.amount:.2f} {b.charge.currency}"
    )
    return f"dominated by {b.level_of_service}: arrives {when} {cost}"
