"""Sourcing calculator: latency, and shipments against the exact optimum.

Builds two networks on the embedded adapters (46 nodes: 6 DCs and 40 stores, as the
inventory demo; and 100 nodes), placed at random real ZIP codes with their time zones,
with the demo carrier services and rules. Prints p50/p99 of ``POST /sourcing/options``
in process (the service call) and through the devhost over HTTP, for carts of 1, 5 and
10 lines; then, on 1,000 random carts, the mean number of shipments of the answer and of
a greedy cover as a ratio to the optimum found by brute-force enumeration.

Run: ``.venv/bin/python -m bench.sourcing`` (BENCH_ROUNDS sets calls per cell).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import function_app
from devhost.testing import running_devhost
from shared import bootstrap
from shared.bootstrap import Registry
from shared.inventory.model import Location, NodeType, ShipNodeSpec, SupplySpec
from shared.settings import Settings
from shared.sourcing.assignment import Candidate, Line, plan_shipments
from shared.sourcing.demo import demo_carrier_services, demo_rules
from shared.sourcing.model import SourcingRequest

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
RATIO_CARTS = int(os.environ.get("BENCH_RATIO_CARTS", "1000"))
ITEMS = [f"SKU-{i:04d}" for i in range(120)]
rng = random.Random(20260303)
DAY = date(2026, 3, 3)


def zip_rows() -> list[dict[str, Any]]:
    import zipcodes

    rows = [
        z
        for z in zipcodes.filter_by(zip_code_type="STANDARD", country="US")
        if z["timezone"] and z["state"] not in {"AK", "HI", "PR", "VI", "GU", "AS", "MP"}
    ]
    return rows


def build_network(
    reg: Registry, enterprise: str, size: int, zips: list[dict[str, Any]]
) -> dict[str, dict[str, int]]:
    inventory = reg.inventory()
    sourcing = reg.sourcing()
    for service in demo_carrier_services(enterprise):
        sourcing.put_carrier_service(service.id, service)
    for rule in demo_rules(enterprise):
        relaxed = rule.model_copy(
            update={"criteria": rule.criteria.model_copy(update={"max_shipments": None})}
        )
        sourcing.put_sourcing_rule(rule.id, relaxed)
    stock: dict[str, dict[str, int]] = {}
    for n in range(size):
        is_dc = n < 6
        z = rng.choice(zips)
        node_id = f"{enterprise}-{'DC' if is_dc else 'ST'}{n:03d}"
        spec = ShipNodeSpec(
            name=node_id,
            enterprise_code=enterprise,
            node_type=NodeType.DC if is_dc else NodeType.STORE,
            time_zone=z["timezone"],
            location=Location(
                latitude=float(z["lat"]),
                longitude=float(z["long"]),
                postal_code=z["zip_code"],
                state=z["state"],
            ),
            capabilities=("SHIP", "PICKUP"),  # type: ignore[arg-type]
        )
        inventory.nodes.put_node(node_id, spec, "bench")
        held = {}
        for item in ITEMS:
            if rng.random() < (0.6 if is_dc else 0.25):
                qty = rng.randint(1, 40 if is_dc else 6)
                inventory.supply.set_supply(item, node_id, SupplySpec(quantity=qty), "bench")
                held[item] = qty
        stock[node_id] = held
    return stock


def random_cart(enterprise: str, lines: int, zips: list[dict[str, Any]]) -> dict[str, Any]:
    items = rng.sample(ITEMS, lines)
    return {
        "enterpriseCode": enterprise,
        "destination": {"postalCode": rng.choice(zips)["zip_code"], "country": "US"},
        "fulfillmentType": "SHIP",
        "lines": [
            {"lineId": str(i + 1), "itemId": item, "quantity": rng.randint(1, 3)}
            for i, item in enumerate(items)
        ],
    }


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def brute_force(cart: list[Line], nodes: list[Candidate]) -> int:
    need: dict[str, int] = {}
    for line in cart:
        need[line.item_id] = need.get(line.item_id, 0) + line.quantity
    servable = {i: q for i, q in need.items() if sum(n.stock.get(i, 0) for n in nodes) >= q}
    whole = {i for i, q in servable.items() if any(n.stock.get(i, 0) >= q for n in nodes)}
    useful = [n for n in nodes if any(n.stock.get(i, 0) for i in servable)]
    for k in range(1, len(useful) + 1):
        for combo in itertools.combinations(useful, k):
            if all(
                any(n.stock.get(i, 0) >= q for n in combo)
                if i in whole
                else sum(n.stock.get(i, 0) for n in combo) >= q
                for i, q in servable.items()
            ):
                return k
    return 0


def main() -> None:
    zips = zip_rows()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            LOCAL_DATA_DIR=Path(tmp),  # type: ignore[call-arg]
            SQL_URL=f"sqlite:///{tmp}/confighub.db",  # type: ignore[call-arg]
            DOCUMENTS_PATH=Path(tmp) / "documents.db",  # type: ignore[call-arg]
            AUTH_LOCAL_SIGNING_KEY="bench-signing-key-0123456789-abcdefghijklmnop",  # type: ignore[call-arg]
        )
        reg = Registry(settings)
        with bootstrap.use_registry(reg):
            networks = {size: build_network(reg, f"BENCH{size}", size, zips) for size in (46, 100)}
            service = reg.sourcing()
            print(f"sourcing bench: {ROUNDS} calls per cell, embedded store, demo carrier services")
            print(f"{'cell':<22}{'in-process p50':>16}{'p99':>10}{'devhost p50':>14}{'p99':>10}")
            with running_devhost(function_app.app) as host:
                # http.client sends headers and a bytes body in one write, so the figure
                # is the host's and not Nagle's algorithm meeting a delayed ACK.
                base = urlsplit(host.base_url)
                client = http.client.HTTPConnection(
                    base.hostname or "127.0.0.1", base.port, timeout=30
                )
                path = f"{base.path}/sourcing/options"
                for size in (46, 100):
                    for lines in (1, 5, 10):
                        carts = [random_cart(f"BENCH{size}", lines, zips) for _ in range(ROUNDS)]
                        local: list[float] = []
                        for cart in carts:
                            request = SourcingRequest.model_validate(cart)
                            start = time.perf_counter()
                            service.calculate_options(request)
                            local.append((time.perf_counter() - start) * 1000)
                        # The in-process loop can outlast uvicorn's 5 s keep-alive on a
                        # busy machine: open a fresh connection for the HTTP loop.
                        client.close()
                        remote: list[float] = []
                        for cart in carts:
                            body = json.dumps(cart).encode()
                            headers = {"Content-Type": "application/json"}
                            start = time.perf_counter()
                            client.request("POST", path, body=body, headers=headers)
                            resp = client.getresponse()
                            answer = resp.read()
                            remote.append((time.perf_counter() - start) * 1000)
                            assert resp.status == 200, answer
                        print(
                            f"{lines:>2} lines / {size:>3} nodes   "
                            f"{pct(local, 0.5):>13.1f} ms{pct(local, 0.99):>7.1f} ms"
                            f"{pct(remote, 0.5):>11.1f} ms{pct(remote, 0.99):>7.1f} ms"
                        )
            ratio(networks[46], "46 nodes")


def ratio(stock: dict[str, dict[str, int]], label: str) -> None:
    exact: list[int] = []
    greedy: list[int] = []
    optimum: list[int] = []
    elapsed: list[float] = []
    for _ in range(RATIO_CARTS):
        count = rng.randint(1, 10)
        cart = [
            Line(str(i), item, rng.randint(1, 3)) for i, item in enumerate(rng.sample(ITEMS, count))
        ]
        nodes = [
            Candidate(node_id, held, DAY, rng.uniform(0, 2500)) for node_id, held in stock.items()
        ]
        start = time.perf_counter()
        plan = plan_shipments(cart, nodes)
        elapsed.append((time.perf_counter() - start) * 1000)
        heuristic = plan_shipments(cart, nodes, max_lines=0)
        assert plan is not None and heuristic is not None
        exact.append(plan.size)
        greedy.append(heuristic.size)
        optimum.append(brute_force(cart, nodes))
    total = sum(optimum)
    print(
        f"\nshipments on {RATIO_CARTS} random carts of 1-10 lines over {label} "
        f"(optimum by brute-force enumeration, mean {total / RATIO_CARTS:.3f}):"
    )
    for name, sizes in (("answer (exact search)", exact), ("greedy cover", greedy)):
        worse = sum(s > o for s, o in zip(sizes, optimum, strict=True))
        print(
            f"  {name:<22} mean {sum(sizes) / RATIO_CARTS:.3f}  ratio {sum(sizes) / total:.4f}  "
            f"worse than optimum on {worse} carts"
        )
    p50, p99 = statistics.median(elapsed), pct(elapsed, 0.99)
    print(f"  assignment alone: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
