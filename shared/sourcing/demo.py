"""Demo carrier services and rules, modelled on US parcel services.

Ground promises by distance zone (the UPS/FedEx zone chart: zone 2 is up to 150 miles,
zone 8 beyond 1,800), carries hazmat and observes the six holidays parcel carriers keep;
two-day and next-day air are guaranteed, collect earlier, need notice, and refuse hazmat.
Each prices a parcel by zone and billable pound from a rate chart.
Seeding puts fixed ids, so running it twice leaves the same carrier services and rules
(each one version up).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Protocol

from shared.calendar import PARCEL_CARRIER_HOLIDAYS
from shared.settings import Settings
from shared.sourcing.calendars import BUSINESS_DAYS, PickupCalendar, WorkCalendar
from shared.sourcing.charges import RatePrice, RateTable, RateZone
from shared.sourcing.model import CarrierService, RuleCriteria, SourcingRule, TransitZone
from shared.sourcing.service import SourcingService

CARRIER_HOLIDAYS = PARCEL_CARRIER_HOLIDAYS
GROUND_ZONES = (
    TransitZone(zone="2", up_to_miles=150, transit_days=1),
    TransitZone(zone="3", up_to_miles=300, transit_days=2),
    TransitZone(zone="4", up_to_miles=600, transit_days=3),
    TransitZone(zone="5", up_to_miles=1000, transit_days=3),
    TransitZone(zone="6", up_to_miles=1400, transit_days=4),
    TransitZone(zone="7", up_to_miles=1800, transit_days=4),
    TransitZone(zone="8", up_to_miles=12_000, transit_days=5),
)


ZONE_BANDS = tuple(RateZone(zone=z.zone, up_to_miles=z.up_to_miles) for z in GROUND_ZONES)
RATE_POUNDS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 50, 70, 150)


def rate_table(base: str, per_zone: str, per_pound: str) -> RateTable:
    """A carrier rate chart by zone and billable pound: ``base`` for one pound in zone 2,
    ``per_zone`` more for each zone further, ``per_pound`` more for each pound above one
    (list prices of the big parcel carriers run close to such a line)."""
    prices = tuple(
        RatePrice(
            zone=band.zone,
            up_to_pounds=pounds,
            amount=(
                Decimal(base) + Decimal(per_zone) * index + Decimal(per_pound) * (pounds - 1)
            ).quantize(Decimal("0.01")),
        )
        for index, band in enumerate(ZONE_BANDS)
        for pounds in RATE_POUNDS
    )
    return RateTable(currency="USD", zones=ZONE_BANDS, prices=prices)


def _pickups(at: time) -> PickupCalendar:
    return PickupCalendar(slots={d: (at,) for d in BUSINESS_DAYS}, holidays=CARRIER_HOLIDAYS)


def demo_carrier_services(enterprise: str) -> list[CarrierService]:
    carrier_days = WorkCalendar(holidays=CARRIER_HOLIDAYS)
    return [
        CarrierService(
            id="ups-ground",
            carrier_service_code="UPS_GROUND",
            carrier="UPS",
            level_of_service="STANDARD",
            enterprise_code=enterprise,
            is_hazmat=True,
            pickup_calendar=_pickups(time(18, 0)),
            transit_calendar=carrier_days,
            delivery_calendar=carrier_days,
            transit_zones=GROUND_ZONES,
            delivery_date_type="ESTIMATED",
            rates=rate_table("10.20", "0.65", "0.90"),
        ),
        CarrierService(
            id="ups-2nd-day-air",
            carrier_service_code="UPS_2ND_DAY_AIR",
            carrier="UPS",
            level_of_service="TWO_DAY",
            enterprise_code=enterprise,
            is_hazmat=False,
            pickup_calendar=_pickups(time(17, 30)),
            transit_calendar=carrier_days,
            delivery_calendar=carrier_days,
            transit_days=2,
            delivery_date_type="GUARANTEED",
            notification_lead_minutes=60,
            rates=rate_table("21.95", "2.40", "2.35"),
        ),
        CarrierService(
            id="ups-next-day-air",
            carrier_service_code="UPS_NEXT_DAY_AIR",
            carrier="UPS",
            level_of_service="NEXT_DAY",
            enterprise_code=enterprise,
            is_hazmat=False,
            pickup_calendar=_pickups(time(16, 30)),
            transit_calendar=carrier_days,
            delivery_calendar=carrier_days,
            transit_days=1,
            delivery_date_type="GUARANTEED",
            notification_lead_minutes=120,
            rates=rate_table("37.50", "4.10", "3.70"),
        ),
    ]


def demo_rules(enterprise: str) -> list[SourcingRule]:
    return [
        SourcingRule(
            id="home-delivery",
            enterprise_code=enterprise,
            fulfillment_type="SHIP",
            destination_type="RESIDENTIAL",
            criteria=RuleCriteria(node_types=("DC", "STORE"), max_shipments=3),
        ),
        SourcingRule(
            id="store-pickup",
            enterprise_code=enterprise,
            fulfillment_type="PICKUP",
            destination_type="STORE",
            criteria=RuleCriteria(
                node_types=("STORE",),
                max_shipments=1,
                max_distance_miles=30,
                levels_of_service=("STORE_PICKUP",),
            ),
        ),
    ]


class _Registry(Protocol):
    @property
    def settings(self) -> Settings: ...

    def sourcing(self) -> SourcingService: ...


class _Progress(Protocol):
    def note(self, message: str) -> None: ...


def seed_sourcing(registry: _Registry, progress: _Progress) -> None:
    """For the enterprise the inventory demo seeds its nodes under."""
    enterprise = registry.settings.inventory_default_enterprise
    service = registry.sourcing()
    services = demo_carrier_services(enterprise)
    rules = demo_rules(enterprise)
    for carrier_service in services:
        service.put_carrier_service(carrier_service.id, carrier_service)
    for rule in rules:
        service.put_sourcing_rule(rule.id, rule)
    progress.note(f"{len(services)} carrier services and {len(rules)} rules for {enterprise}")
