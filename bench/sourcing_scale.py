"""Sourcing at scale: one item stocked at 46, 1,000 and 5,000 nodes.

Each network is written straight through the inventory repository (no audit rows, no
per-write cache refresh: this is a fixture, not the admin path), at random real ZIP codes
with their time zones and the demo carrier services and rules. Prints p50 and p99 of the
in-process calculator for a one-line cart, and each size as a ratio to 46 nodes; the
targets are 3x at 1,000 nodes and 5x at 5,000.

Run: ``.venv/bin/python -m bench.sourcing_scale`` (BENCH_ROUNDS sets calls per size).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.sourcing import zip_rows
from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.inventory.model import Location, NodeType
from shared.inventory.stored import StoredShipNode
from shared.settings import Settings
from shared.sourcing.demo import demo_carrier_services, demo_rules
from shared.sourcing.model import SourcingRequest

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
SIZES = (46, 1000, 5000)
TARGETS = {1000: 3.0, 5000: 5.0}
ENTERPRISE = "SCALE"
ITEM = "SKU-LIPSTICK"
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def build(reg: Registry, size: int, zips: list[dict[str, Any]], rng: random.Random) -> None:
    sourcing = reg.sourcing()
    for service in demo_carrier_services(ENTERPRISE):
        sourcing.put_carrier_service(service.id, service)
    for rule in demo_rules(ENTERPRISE):
        sourcing.put_sourcing_rule(rule.id, rule)
    repo = reg.inventory().repo
    for n in range(size):
        z = rng.choice(zips)
        node_id = f"N{n:05d}"
        node = StoredShipNode(
            id=node_id,
            ship_node=node_id,
            name=node_id,
            enterprise_code=ENTERPRISE,
            node_type=NodeType.DC if n < 6 else NodeType.STORE,
            time_zone=z["timezone"],
            location=Location(
                latitude=float(z["lat"]),
                longitude=float(z["long"]),
                postal_code=z["zip_code"],
                state=z["state"],
            ),
            capabilities=("SHIP", "PICKUP"),  # type: ignore[arg-type]
            version=1,
        )
        repo.write_node(node, if_match=None)
        repo.create_supply(repo.new_supply(ITEM, node_id, ENTERPRISE, quantity=5))


def measure(size: int, zips: list[dict[str, Any]]) -> list[float]:
    rng = random.Random(size)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            LOCAL_DATA_DIR=tmp,
            DOCUMENTS_PATH=Path(tmp) / "documents.db",
            SQL_URL=f"sqlite:///{Path(tmp) / 'confighub.db'}",
            AUTH_LOCAL_SIGNING_KEY="bench-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        )
        reg = Registry(settings)
        reg.override(clock=ManualClock(NOW))
        with bootstrap.use_registry(reg):
            build(reg, size, zips, rng)
            service = reg.sourcing()
            carts = [
                SourcingRequest.model_validate(
                    {
                        "enterpriseCode": ENTERPRISE,
                        "destination": {
                            "postalCode": rng.choice(zips)["zip_code"],
                            "country": "US",
                        },
                        "lines": [{"lineId": "1", "itemId": ITEM, "quantity": 1}],
                    }
                )
                for _ in range(ROUNDS)
            ]
            service.calculate_options(carts[0])  # warm: node list and stock cached
            samples = []
            for cart in carts:
                start = time.perf_counter()
                service.calculate_options(cart)
                samples.append((time.perf_counter() - start) * 1000)
            return samples


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    zips = zip_rows()
    print(f"sourcing at scale: one item at every node, {ROUNDS} one-line carts per size")
    base: float | None = None
    for size in SIZES:
        samples = measure(size, zips)
        p50 = statistics.median(samples)
        base = base or p50
        target = f"   target <= {TARGETS[size]:.0f}x" if size in TARGETS else ""
        print(
            f"  {size:>5} nodes   p50 {p50:8.1f} ms   p99 {pct(samples, 0.99):8.1f} ms"
            f"   {p50 / base:5.2f}x 46 nodes{target}"
        )


if __name__ == "__main__":
    main()
