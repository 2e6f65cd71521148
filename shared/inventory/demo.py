"""Demo stock: the demo network and supply for the demo catalogue's SKUs.

Deterministic per SKU (a CRC of the SKU seeds its own random stream), so the data is
the same on every machine. Records are created only where missing: seeding twice
leaves the same data and never overwrites live stock or holds.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from shared.inventory.demo_nodes import DCS, STORES, demo_nodes
from shared.inventory.model import ShipNode, ShipNodeSpec, SupplySpec
from shared.inventory.rules import supply_id
from shared.inventory.service import InventoryService
from shared.settings import Settings

T = TypeVar("T")
CHUNK = 500
STORES_PER_SKU = 2


class _Registry(Protocol):
    @property
    def settings(self) -> Settings: ...

    def inventory(self) -> InventoryService: ...


class _Progress(Protocol):
    def note(self, message: str) -> None: ...

    def track(
        self, items: Iterable[T], description: str, total: int | None = None
    ) -> Iterator[T]: ...


def demo_supply(sku: str) -> list[tuple[str, SupplySpec]]:
    """Supply of one SKU: 3 of the 6 DCs and a couple of stores. About 1 SKU in 20 is
    infinite (made to order), 1 in 8 is low, 1 in 12 is out everywhere."""
    rng = random.Random(zlib.crc32(sku.encode()))
    kind = rng.random()
    dcs = rng.sample([d[0] for d in DCS], 3)
    stores = rng.sample([s[0] for s in STORES], STORES_PER_SKU)
    rows: list[tuple[str, SupplySpec]] = []
    for node in dcs + stores:
        is_dc = node.startswith("DC-")
        if kind < 0.05:
            qty, infinite = 0, is_dc
        elif kind < 0.13:
            qty, infinite = 0, False
        elif kind < 0.255:
            qty, infinite = rng.randint(0, 3), False
        else:
            qty, infinite = (rng.randint(40, 400) if is_dc else rng.randint(2, 25)), False
        spec = SupplySpec(
            quantity=qty,
            safety_stock=5 if is_dc and qty > 50 else 0,
            threshold=10 if is_dc else 2,
            infinite=infinite,
        )
        rows.append((node, spec))
    return rows


def seed_inventory_data(
    service: InventoryService,
    enterprise_code: str,
    skus: Sequence[str],
    progress: _Progress | None = None,
) -> tuple[int, int]:
    """Nodes (created or refreshed) and supply records created; returns both counts."""
    nodes = demo_nodes(enterprise_code)
    existing = {n.ship_node: n for n in service.nodes.list_nodes(enterprise_code)}
    for node_id, spec in nodes.items():
        current = existing.get(node_id)
        if current is None or _spec_of(current) != spec:
            service.nodes.put_node(node_id, spec, "demo-seed")
    repo = service.repo
    starts: Iterable[int] = range(0, len(skus), CHUNK)
    if progress is not None:
        starts = progress.track(
            starts, f"stock for {len(skus)} SKUs", total=(len(skus) + CHUNK - 1) // CHUNK
        )
    created = 0
    for start in starts:
        chunk = skus[start : start + CHUNK]
        wanted = {
            supply_id(sku, node): (sku, node, supply)
            for sku in chunk
            for node, supply in demo_supply(sku)
        }
        present = repo.existing_supply([(sku, node) for sku, node, _ in wanted.values()])
        for key, (sku, node, supply) in wanted.items():
            if key not in present:
                first = repo.new_supply(sku, node, enterprise_code, **supply.model_dump())
                created += repo.create_supply(first) is not None
    service.changes.items_written(list(skus))
    return len(nodes), created


def _spec_of(node: ShipNode) -> ShipNodeSpec:
    return ShipNodeSpec.model_validate(node.model_dump(include=set(ShipNodeSpec.model_fields)))


def seed_inventory(registry: _Registry, progress: _Progress, skus: Sequence[str]) -> None:
    """Stock for the given SKUs; the devhost passes the demo catalogue's, so the
    inventory context does not need to know the catalog context."""
    enterprise = registry.settings.inventory_default_enterprise
    nodes, created = seed_inventory_data(registry.inventory(), enterprise, skus, progress)
    progress.note(f"{nodes} ship nodes and {created} new supply records for {enterprise}")
