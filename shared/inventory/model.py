"""Inventory models: ship nodes, supply records, availability answers, reservations.

Names follow IBM Sterling Order Management (items, ship nodes, enterprise codes), which
the retailer's people and integrations already speak. Every model is frozen, snake_case
in Python and camelCase on the wire and in the stored documents.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from shared.calendar import (
    PARCEL_CARRIER_HOLIDAYS,
    HolidaySet,
    LocalTime,
    TimeZoneName,
    Weekday,
)
from shared.wire import WireModel, unprocessable

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Item ids, ship nodes, enterprise codes and reservation ids: safe as document ids and
as Cosmos paths, and unambiguous in ``{itemId}@{shipNode}``."""

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
_CODE_RE = re.compile(CODE_PATTERN)


def is_code(value: str) -> bool:
    return bool(_CODE_RE.match(value))


class Model(WireModel):
    """Inventory data: the shared wire conventions; no infinite or NaN number (a NaN
    latitude would make every distance NaN)."""

    model_config = ConfigDict(allow_inf_nan=False)


class NodeType(StrEnum):
    DC = "DC"
    STORE = "STORE"
    VENDOR = "VENDOR"


class NodeStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Capability(StrEnum):
    SHIP = "SHIP"
    PICKUP = "PICKUP"


class StockStatus(StrEnum):
    OUT_OF_STOCK = "OUT_OF_STOCK"
    LOW_STOCK = "LOW_STOCK"
    IN_STOCK = "IN_STOCK"


class ReservationStatus(StrEnum):
    PENDING = "PENDING"
    HELD = "HELD"
    CONFIRMED = "CONFIRMED"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"
    RESTOCKING = "RESTOCKING"
    """A confirmed reservation whose units are being given back (a cancelled order)."""
    RESTOCKED = "RESTOCKED"


class Location(Model):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    postal_code: str = Field(min_length=1, max_length=16)
    state: str = Field(min_length=1, max_length=32)
    country: str = Field("US", min_length=2, max_length=2)
    city: str | None = None


def _iso_date(value: str) -> str:
    date.fromisoformat(value)
    return value


IsoWeekday = Annotated[int, Field(ge=1, le=7)]
IsoDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_iso_date)
]
# Checked when written (``ShipNodeSpec``): sourcing promises dates from every node of the
# enterprise, so one node with a zone, weekday or date it cannot read would fail every cart.


class StoredCalendar(Model):
    """A processing calendar as stored. Nodes written before the checks of
    ``ProcessingCalendar``, or by another system, may hold values sourcing cannot read;
    reading them must not fail every availability read, so the stored shape is lax and
    the one consumer that needs more (sourcing's bridge) sets such a node aside."""

    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    holidays: tuple[str, ...] = ()
    """The node's own closed dates (a stock count, a refit), whatever its holiday set."""
    open_dates: tuple[str, ...] = ()
    """Days the node works although its holiday set closes them."""
    holiday_set: HolidaySet | None = PARCEL_CARRIER_HOLIDAYS
    """The public holidays the node observes; ``null``: none (default: the six days the
    parcel carriers close, see ``shared.calendar``)."""


class ProcessingCalendar(StoredCalendar):
    """Days a node releases shipments (ISO weekdays, 1 = Monday), its holiday set, and
    the exceptions both ways."""

    working_days: tuple[IsoWeekday, ...] = Field((1, 2, 3, 4, 5), min_length=1, max_length=7)
    holidays: tuple[IsoDate, ...] = Field((), max_length=400)
    open_dates: tuple[IsoDate, ...] = Field((), max_length=400)


class ShipNodeFields(Model):
    """What every ship node has, as stored (see ``StoredCalendar``)."""

    name: str
    enterprise_code: str
    node_type: NodeType
    time_zone: str
    status: NodeStatus = NodeStatus.ACTIVE
    location: Location
    cutoff_time: time = time(15, 0)
    cutoffs: dict[str, time] = Field(default_factory=dict)
    """Per level of service (the air cutoff is earlier than ground); else ``cutoffTime``."""
    processing_days: int = 0
    """Open processing days between an order and its pickup (pick, pack, label)."""
    pick_pack_minutes: int = 0
    """From an order to a parcel at the dock: no carrier pickup sooner is promised."""
    processing_calendar: StoredCalendar = StoredCalendar()
    business_hours: dict[Weekday, tuple[time, time]] = Field(default_factory=dict)
    """Opening and closing time per weekday (stores hand pickup orders over in them)."""
    daily_capacity: int | None = None
    """Orders the node can ship in a day (any level of service); ``null``: no limit."""
    capacity_by_level: dict[str, int] = Field(default_factory=dict)
    """Orders per day per level of service (air is packed by fewer hands)."""
    capabilities: tuple[Capability, ...] = (Capability.SHIP,)
    node_groups: tuple[str, ...] = ()
    """Named sets of nodes a sourcing rule may allow (``criteria.nodeGroups``)."""
    hazmat_capable: bool = True
    """Whether the node may ship hazardous materials (fragrance, aerosols, nail polish)."""


class ShipNodeSpec(ShipNodeFields):
    """What an admin sends to create or replace a ship node: checked strictly."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    enterprise_code: Code
    time_zone: TimeZoneName
    cutoff_time: LocalTime = time(15, 0)
    cutoffs: dict[Code, LocalTime] = Field(default_factory=dict, max_length=20)
    processing_days: int = Field(0, ge=0, le=30)
    pick_pack_minutes: int = Field(0, ge=0, le=24 * 60)
    processing_calendar: ProcessingCalendar = ProcessingCalendar()
    business_hours: dict[Weekday, tuple[LocalTime, LocalTime]] = Field(default_factory=dict)
    daily_capacity: int | None = Field(None, ge=0, le=10_000_000)
    capacity_by_level: dict[Code, Annotated[int, Field(ge=0, le=10_000_000)]] = Field(
        default_factory=dict, max_length=20
    )
    node_groups: tuple[Code, ...] = Field((), max_length=20)

    @model_validator(mode="after")
    def _hours_in_order(self) -> ShipNodeSpec:
        for day, (opens, closes) in self.business_hours.items():
            if not opens < closes:
                raise unprocessable(f"businessHours.{day}: opens at {opens}, not before {closes}")
        return self


class ShipNode(ShipNodeFields):
    model_config = ConfigDict(extra="ignore")

    ship_node: Code
    modifyts: datetime | None = None
    version: int = 0

    @property
    def active(self) -> bool:
        return self.status is NodeStatus.ACTIVE


class Hold(Model):
    """Units one reservation holds in one supply record; ``exp`` is epoch seconds."""

    reservation_id: str
    quantity: int
    exp: float


class SupplyRecord(Model):
    """One ``inventory`` document: the stock of one item at one ship node."""

    model_config = ConfigDict(extra="ignore")

    item_id: str
    ship_node: str
    enterprise_code: str
    quantity: int = 0
    reserved: int = 0
    safety_stock: int = 0
    threshold: int = 0
    infinite: bool = False
    holds: dict[str, Hold] = Field(default_factory=dict)
    modifyts: datetime | None = None
    version: int = 0


class SupplySpec(Model):
    """``PUT /inventory/{itemId}/nodes/{shipNode}``: the absolute supply picture."""

    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=0, le=10_000_000)
    safety_stock: int = Field(0, ge=0, le=10_000_000)
    threshold: int = Field(0, ge=0, le=10_000_000)
    infinite: bool = False


class Adjustment(Model):
    model_config = ConfigDict(extra="forbid")

    item_id: Code
    ship_node: Code
    quantity: int = Field(ge=-10_000_000, le=10_000_000)


class AdjustmentRequest(Model):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    adjustments: tuple[Adjustment, ...] = Field(min_length=1, max_length=100)


class AvailabilityFilter(Model):
    """Which nodes count: all ACTIVE nodes of the enterprise, narrowed by these."""

    node_type: NodeType | None = None
    ship_node: str | None = None
    capability: Capability | None = None
    ship_nodes: frozenset[str] | None = None
    """Only these nodes (in-process callers: sourcing asks for the nodes near a cart)."""


class NetworkAvailability(Model):
    available: int
    infinite: bool = False
    status: StockStatus


class NodeAvailability(Model):
    """Availability of an item at one node, with the node facts sourcing needs."""

    ship_node: str
    available: int
    infinite: bool = False
    status: StockStatus
    quantity: int
    reserved: int
    safety_stock: int
    threshold: int
    version: int
    node: ShipNode | None = None


class ItemAvailability(Model):
    """Uncapped: for in-process callers (sourcing, catalog). The HTTP edge caps it."""

    item_id: str
    enterprise_code: str
    network: NetworkAvailability
    nodes: tuple[NodeAvailability, ...]
    version: int
    valid_until: float | None = None
    """Epoch seconds when the earliest counted hold expires and its units come back
    without any write: a copy of this answer is stale from then on."""


class InventoryChanged(Model):
    """The payload of ``InventoryChanged``: one item at one node, and its network."""

    item_id: str
    ship_node: str
    enterprise_code: str
    available: int
    infinite: bool
    status: StockStatus
    node_version: int
    network: NetworkAvailability


class StockLevelCrossed(Model):
    """The payload of ``OutOfStock``, ``LowStockReached`` and ``BackInStock``."""

    item_id: str
    enterprise_code: str
    previous_status: StockStatus | None
    status: StockStatus
    available: int


class NetworkView(Model):
    available: int
    status: StockStatus


class NodeView(Model):
    ship_node: str
    available: int
    status: StockStatus


class AvailabilityView(Model):
    """The public answer: quantities never above the display cap."""

    item_id: str
    network: NetworkView
    nodes: tuple[NodeView, ...]


class ReservationLine(Model):
    model_config = ConfigDict(extra="forbid")

    item_id: Code
    quantity: int = Field(gt=0, le=100_000)
    ship_node: Code | None = None


class ReserveInventory(Model):
    model_config = ConfigDict(extra="forbid")

    reservation_id: Code
    enterprise_code: Code
    lines: tuple[ReservationLine, ...] = Field(min_length=1, max_length=100)
    ttl_seconds: int | None = Field(None, gt=0)


class Allocation(Model):
    """Units of one item held at one node for one reservation."""

    item_id: str
    ship_node: str
    quantity: int


class Shortage(Model):
    item_id: str
    ship_node: str | None
    requested: int
    available: int


class Reservation(Model):
    model_config = ConfigDict(extra="ignore")

    reservation_id: str
    enterprise_code: str
    status: ReservationStatus
    lines: tuple[ReservationLine, ...]
    allocations: tuple[Allocation, ...] = ()
    expires_at: datetime
    created_at: datetime
    updated_at: datetime | None = None

    def as_of(self, now: float) -> Reservation:
        """A HELD reservation past ``expiresAt`` reads as EXPIRED at once: availability
        and confirm already treat its holds as gone, and the timer that writes the status
        runs only once a minute."""
        if self.status is ReservationStatus.HELD and self.expires_at.timestamp() <= now:
            return self.model_copy(update={"status": ReservationStatus.EXPIRED})
        return self
