"""An option of the answer: a plan priced by its parcels (``charges``), and what the
explanation says of the options another one dominates. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.sourcing.assignment import Plan
from shared.sourcing.charges import Money, Offer, free_shipping, parcel_charge
from shared.sourcing.dates import Promise
from shared.sourcing.model import CarrierService, LevelOutcome, Shipment, SourcingOption

CURRENCY = "USD"
"""Sourcing serves US destinations only (``UNSUPPORTED_COUNTRY`` for others)."""


@dataclass(frozen=True)
class Pricing:
    """What prices a plan: each line's unit weight (grams) and the free-shipping
    thresholds per level of service."""

    unit_grams: Mapping[str, int] = field(default_factory=dict)
    thresholds: Mapping[str, Money] = field(default_factory=dict)


def priced_option(
    level: str,
    service: CarrierService | None,
    plan: Plan,
    dated: Mapping[str, tuple[date, Promise | None]],
    *,
    distances: dict[str, float],
    pricing: Pricing,
    subtotal: Money | None,
) -> SourcingOption | str:
    """The priced option, or why the service cannot carry it (a parcel too heavy)."""
    table = service.rates if service else None
    currency = table.currency if table else CURRENCY
    shipments = []
    for node_id, quantities in plan.shipments:
        delivery, promise = dated[node_id]
        grams = sum(q * pricing.unit_grams.get(line_id, 0) for line_id, q in quantities.items())
        amount = parcel_charge(table, distances[node_id], grams)
        if amount is None:
            assert service is not None
            return (
                f"a {grams} g parcel from {node_id} is beyond "
                f"{service.carrier_service_code}'s rate table"
            )
        shipments.append(
            Shipment(
                ship_node=node_id,
                line_ids=tuple(quantities),
                quantities=quantities,
                ship_date=promise.ship_date if promise else delivery,
                pickup_at=promise.pickup_at if promise else None,
                delivery_date=delivery,
                distance_miles=distances[node_id],
                weight_grams=grams,
                charge=Money(amount=amount, currency=currency),
            )
        )
    free = free_shipping(level, subtotal, pricing.thresholds)
    total = Decimal(0) if free else sum((s.charge.amount for s in shipments), Decimal(0))
    return SourcingOption(
        level_of_service=level,
        carrier_service_code=service.carrier_service_code if service else None,
        delivery_date=max(s.delivery_date for s in shipments),
        delivery_date_type=service.delivery_date_type if service else "ESTIMATED",
        shipments=tuple(shipments),
        charge=Money(amount=total, currency=currency),
        free_shipping=free is not None,
    )


def offer_of(option: SourcingOption) -> Offer:
    return Offer(
        level_of_service=option.level_of_service,
        delivery=option.delivery_date.isoformat(),
        charge=option.charge,
        guaranteed=option.delivery_date_type == "GUARANTEED",
        shipments=len(option.shipments),
    )


def withdrawn(
    outcome: LevelOutcome,
    beaten: Mapping[str, str],
    best: Mapping[str, tuple[object, SourcingOption]],
) -> LevelOutcome:
    """The outcome of the service chosen for a dominated level says so."""
    level = outcome.level_of_service
    if not outcome.offered or level not in beaten:
        return outcome
    chosen = best[level][1].carrier_service_code
    if outcome.carrier_service_code != chosen:
        return outcome
    return outcome.model_copy(update={"offered": False, "reason": beaten[level]})
