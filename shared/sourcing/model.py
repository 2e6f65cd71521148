"""Carrier services and rules as clients see them, the supply sourcing reads, and the
calculator's request and answer.

A carrier service or rule on the wire is what a PUT takes and a GET returns, field for
field; its stored document (``shared.sourcing.stored``) adds only the version, which
travels in the ``ETag`` header, so the bodies never carry store metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import Field, field_validator, model_validator

from shared.calendar import WEEKDAYS, HolidaySet
from shared.sourcing.calendars import (
    NodeSchedule,
    PickupCalendar,
    SourcingModel,
    WorkCalendar,
)
from shared.sourcing.charges import Money, RateTable

FulfillmentType = Literal["SHIP", "PICKUP"]
DeliveryDateType = Literal["ESTIMATED", "GUARANTEED"]
Method = Literal["EXACT", "HEURISTIC"]
RejectReason = Literal[
    "UNREADABLE", "INACTIVE", "NOT_ENOUGH_STOCK", "PAST_CAPACITY", "HAZMAT", "NOT_ALLOWED_BY_RULE"
]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"


class TransitZone(SourcingModel):
    """Ground services price and promise by distance zone (UPS/FedEx zones 2-8)."""

    zone: str
    up_to_miles: float = Field(gt=0)
    transit_days: int = Field(ge=0, le=30)


class CarrierService(SourcingModel):
    id: str = Field(pattern=ID_PATTERN)
    carrier_service_code: str = Field(min_length=1, max_length=64)
    carrier: str = Field("", max_length=64)
    level_of_service: str = Field(min_length=1, max_length=32)
    enterprise_code: str = Field(min_length=1, max_length=64)
    is_hazmat: bool = False
    pickup_calendar: PickupCalendar
    transit_calendar: WorkCalendar = Field(default_factory=WorkCalendar)
    delivery_calendar: WorkCalendar = Field(default_factory=WorkCalendar)
    transit_days: int = Field(0, ge=0, le=30)
    transit_zones: tuple[TransitZone, ...] = ()
    additional_transit_days: int = Field(0, ge=0, le=30)
    delivery_date_type: DeliveryDateType = "ESTIMATED"
    notification_lead_minutes: int = Field(0, ge=0, le=7 * 24 * 60)
    rates: RateTable | None = None
    """What a parcel costs by zone and weight; none: the service charges nothing."""

    @field_validator("transit_zones")
    @classmethod
    def _ascending(cls, v: tuple[TransitZone, ...]) -> tuple[TransitZone, ...]:
        if [z.up_to_miles for z in v] != sorted({z.up_to_miles for z in v}):
            raise ValueError("zones must be in ascending, distinct upToMiles order")
        return v

    @model_validator(mode="after")
    def _delivers_somewhere(self) -> CarrierService:
        if not any(self.pickup_calendar.slots.values()):
            raise ValueError("pickupCalendar has no pickup slot on any weekday")
        if not self.delivery_calendar.weekdays or not self.transit_calendar.weekdays:
            raise ValueError("deliveryCalendar and transitCalendar need at least one weekday")
        return self

    def transit_days_for(self, miles: float) -> int:
        """The zone's days when zoned (beyond the last zone, the last zone's), else flat."""
        for zone in self.transit_zones:
            if miles <= zone.up_to_miles:
                return zone.transit_days
        return self.transit_zones[-1].transit_days if self.transit_zones else self.transit_days


class RuleCriteria(SourcingModel):
    """Which nodes may serve, in priority order, and the limits of the answer."""

    node_types: tuple[str, ...] = ("DC", "STORE")
    node_groups: tuple[str, ...] = ()
    max_shipments: int | None = Field(None, ge=1, le=50)
    max_distance_miles: float | None = Field(None, gt=0)
    levels_of_service: tuple[str, ...] = ()
    pickup_hold_days: int = Field(5, ge=0, le=60)
    """How long a store keeps a pickup order from the day it is ready."""
    max_pickup_stores: int = Field(5, ge=1, le=50)
    """How many of the nearest stores a pickup answer lists."""


class SourcingRule(SourcingModel):
    id: str = Field(pattern=ID_PATTERN)
    enterprise_code: str = Field(min_length=1, max_length=64)
    seller_code: str | None = Field(None, max_length=64)
    fulfillment_type: FulfillmentType
    destination_type: str | None = Field(None, max_length=32)
    criteria: RuleCriteria = Field(default_factory=RuleCriteria)


V = TypeVar("V", CarrierService, SourcingRule)


@dataclass(frozen=True)
class Versioned(Generic[V]):
    """A carrier service or rule and the version it is stored at: the trigger sends the
    version as the ``ETag`` and the value as the body."""

    value: V
    version: int


class NodeSupply(SourcingModel):
    """A candidate node with live availability of the cart's items (from inventory)."""

    node_id: str
    node_type: str = "DC"
    node_groups: tuple[str, ...] = ()
    active: bool = True
    latitude: float
    longitude: float
    postal_code: str | None = None
    schedule: NodeSchedule = Field(default_factory=NodeSchedule)
    capabilities: tuple[str, ...] = ("SHIP", "PICKUP")
    hazmat_allowed: bool = True
    daily_capacity: int | None = None
    """Orders the node ships in one of its days (any level); ``None``: no limit."""
    capacity_by_level: dict[str, int] = Field(default_factory=dict)
    available: dict[str, float] = Field(default_factory=dict)
    defect: str | None = None
    """Why the node's stored data cannot be used (say, an unknown time zone); such a node
    is never eligible, and the explanation names it rather than the cart failing."""


class Destination(SourcingModel):
    postal_code: str = Field(min_length=3, max_length=10, pattern=r"^[0-9]{5}(-[0-9]{4})?$")
    country: str = Field(min_length=2, max_length=2)
    type: str | None = Field(None, max_length=32)
    store_id: str | None = Field(None, max_length=64)


class CartLine(SourcingModel):
    line_id: str = Field(min_length=1, max_length=64)
    item_id: str = Field(min_length=1, max_length=128)
    quantity: int = Field(gt=0, le=100_000)
    hazmat: bool = False
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    """One unit's parcel weight; else the catalog's, else ``SOURCING_DEFAULT_WEIGHT_GRAMS``."""


class SourcingRequest(SourcingModel):
    enterprise_code: str = Field(min_length=1, max_length=64)
    seller_code: str | None = Field(None, max_length=64)
    order_date: datetime | None = None
    destination: Destination
    fulfillment_type: FulfillmentType = "SHIP"
    lines: tuple[CartLine, ...] = Field(min_length=1, max_length=200)
    levels_of_service: tuple[str, ...] | None = None
    subtotal: Money | None = None
    """The cart's merchandise value: reaching a level's free-shipping threshold makes
    that level free."""

    @field_validator("order_date")
    @classmethod
    def _zoned(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.utcoffset() is None:
            raise ValueError("orderDate needs a time zone offset (e.g. 2026-03-06T10:00:00Z)")
        return v

    @field_validator("lines")
    @classmethod
    def _unique_line_ids(cls, v: tuple[CartLine, ...]) -> tuple[CartLine, ...]:
        seen: set[str] = set()
        for line in v:
            if line.line_id in seen:
                raise ValueError(f"lineId {line.line_id!r} appears more than once")
            seen.add(line.line_id)
        return v


class Shipment(SourcingModel):
    ship_node: str
    line_ids: tuple[str, ...]
    quantities: dict[str, int]
    ship_date: date
    pickup_at: datetime | None
    delivery_date: date
    distance_miles: float
    weight_grams: int = 0
    charge: Money = Field(default_factory=lambda: Money(amount=Decimal("0"), currency="USD"))


class SourcingOption(SourcingModel):
    level_of_service: str
    carrier_service_code: str | None
    delivery_date: date
    delivery_date_type: DeliveryDateType
    shipments: tuple[Shipment, ...]
    charge: Money = Field(default_factory=lambda: Money(amount=Decimal("0"), currency="USD"))
    """What the shopper pays for this option: its shipments' charges, or nothing when
    the cart reaches the level's free-shipping threshold."""
    free_shipping: bool = False


class RejectedNode(SourcingModel):
    ship_node: str
    reason: RejectReason
    detail: str


class LevelOutcome(SourcingModel):
    level_of_service: str
    carrier_service_code: str | None
    offered: bool
    reason: str


class Explanation(SourcingModel):
    rule_id: str
    rule: str
    method: Method
    method_reason: str
    rejected_nodes: tuple[RejectedNode, ...]
    levels_of_service: tuple[LevelOutcome, ...]


class PickupStore(SourcingModel):
    """A store near the destination holding the whole cart: when the order can be
    collected there (store-local time), and until when it is held."""

    ship_node: str
    distance_miles: float
    ready_by: datetime
    hold_until: date


class SourcingAnswer(SourcingModel):
    options: tuple[SourcingOption, ...]
    unavailable_lines: tuple[str, ...]
    explanation: Explanation
    pickup_stores: tuple[PickupStore, ...] = ()
    """For store pickup: the nearest stores with every item, nearest first."""


__all__ = [
    "WEEKDAYS",
    "CarrierService",
    "HolidaySet",
    "Money",
    "NodeSchedule",
    "NodeSupply",
    "PickupCalendar",
    "RateTable",
    "RuleCriteria",
    "SourcingAnswer",
    "SourcingRequest",
    "SourcingRule",
    "Versioned",
    "WorkCalendar",
]
