"""The demo seeder: the network the issue asks for, deterministic, idempotent."""

from __future__ import annotations

from collections import Counter

from shared.bootstrap import Registry
from shared.inventory.demo import demo_supply, seed_inventory_data
from shared.inventory.model import NodeStatus, NodeType, StockStatus

SKUS = [f"SKU-{n:06d}-01" for n in range(1, 301)]


def test_demo_network_and_stock(registry: Registry) -> None:
    svc = registry.inventory()
    assert seed_inventory_data(svc, "BEAUTY_US", SKUS) == (46, 1500)
    nodes = svc.nodes.list_nodes("BEAUTY_US")
    dcs = [n for n in nodes if n.node_type is NodeType.DC]
    stores = [n for n in nodes if n.node_type is NodeType.STORE]
    assert (len(dcs), len(stores)) == (6, 40)
    assert {n.time_zone for n in dcs} == {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
    }
    assert [n.ship_node for n in nodes if n.status is NodeStatus.INACTIVE] == ["S031"]
    statuses = Counter(
        a.network.status for a in svc.availability.get_availability_many(SKUS).values()
    )
    assert all(statuses[s] > 0 for s in StockStatus)
    assert sum(1 for sku in SKUS if any(spec.infinite for _, spec in demo_supply(sku))) > 0


def test_seeding_twice_changes_nothing(registry: Registry) -> None:
    svc = registry.inventory()
    seed_inventory_data(svc, "BEAUTY_US", SKUS[:50])
    before = {r.item_id + r.ship_node: r.version for r in svc.repo.records_for_items(SKUS[:50])}
    audits = len(svc.repo.list_audit("S001"))
    assert seed_inventory_data(svc, "BEAUTY_US", SKUS[:50]) == (46, 0)
    after = {r.item_id + r.ship_node: r.version for r in svc.repo.records_for_items(SKUS[:50])}
    assert after == before
    assert len(svc.repo.list_audit("S001")) == audits == 1


def test_demo_supply_is_deterministic() -> None:
    assert demo_supply("SKU-000042-01") == demo_supply("SKU-000042-01")
    assert demo_supply("SKU-000042-01") != demo_supply("SKU-000043-01")
