"""Calls inventory triggers through ``azure.functions`` objects, as the host would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.inventory.model import Capability, Location, NodeType, ShipNodeSpec
from shared.inventory.service import InventoryService
from shared.inventory.stored import NODE_PARTITION, RESERVATION_PARTITION, SUPPLY_PARTITION
from shared.ports import ContainerSpec, Query
from shared.security import INVENTORY_ADMIN, INVENTORY_RESERVE
from tests.conftest import TEST_SIGNING_KEY, embedded_settings
from tests.counting import CallLog, Counted, CountedStore
from tests.http_client import Response, call

ENTERPRISE = "BEAUTY_US"
ADMIN = mint_local_token(TEST_SIGNING_KEY, subject="admin-7", roles=[INVENTORY_ADMIN])
RESERVER = mint_local_token(TEST_SIGNING_KEY, subject="checkout", roles=[INVENTORY_RESERVE])
NYC = Location(
    latitude=40.7506, longitude=-73.9935, postal_code="10001", state="NY", city="New York"
)


def node_body(
    node_type: NodeType = NodeType.DC,
    *,
    status: str = "ACTIVE",
    capabilities: tuple[Capability, ...] = (Capability.SHIP,),
    enterprise: str = ENTERPRISE,
) -> dict[str, Any]:
    spec = ShipNodeSpec(
        name="node",
        enterprise_code=enterprise,
        node_type=node_type,
        time_zone="America/New_York",
        location=NYC,
        capabilities=capabilities,
    )
    return spec.model_dump(mode="json", by_alias=True) | {"status": status}


def put_node(ship_node: str, **kw: Any) -> Response:
    return call(
        "put_ship_node",
        "PUT",
        f"ship-nodes/{ship_node}",
        body=node_body(**kw),
        route={"shipNode": ship_node},
        token=ADMIN,
    )


def put_supply(item: str, ship_node: str, quantity: int, **fields: Any) -> Response:
    return call(
        "put_supply",
        "PUT",
        f"inventory/{item}/nodes/{ship_node}",
        body={"quantity": quantity, **fields},
        route={"itemId": item, "shipNode": ship_node},
        token=ADMIN,
    )


def availability(item: str, **params: str) -> Response:
    return call(
        "get_availability", "GET", f"availability/{item}", route={"itemId": item}, params=params
    )


def reserve(
    rid: str, lines: list[dict[str, Any]], *, token: str = RESERVER, **extra: Any
) -> Response:
    body = {"reservationId": rid, "enterpriseCode": ENTERPRISE, "lines": lines, **extra}
    return call("post_reservation", "POST", "reservations", body=body, token=token)


def reservation_action(name: str, method: str, rid: str, suffix: str = "") -> Response:
    return call(
        name,
        method,
        f"reservations/{rid}{suffix}",
        route={"reservationId": rid},
        token=RESERVER,
    )


Hook = Callable[[str, str, tuple[Any, ...]], None]
"""``hook(op, container, args)``, run before each store call of ``service_over``."""


def inventory_over(
    registry: Registry, *, documents: Any = None, cache: Any = None
) -> InventoryService:
    """A second inventory, built by the composition root like the first, over the
    registry's own ports with ``documents`` or ``cache`` in their place; other clients
    (the HTTP triggers) keep using the registry's own."""
    other = Registry(registry.settings)
    other.override(
        documents=registry.documents() if documents is None else documents,
        cache=registry.cache() if cache is None else cache,
        events=registry.events(),
        clock=registry.clock(),
    )
    return other.inventory()


def counted_cache(registry: Registry, log: CallLog) -> InventoryService:
    """The inventory with each of its cache calls recorded in ``log``."""
    return inventory_over(registry, cache=Counted(registry.cache(), "cache", log=log))


def service_over(registry: Registry, hook: Hook) -> InventoryService:
    """The inventory on the registry's own store, cache and bus, its store calls seen
    through ``hook``: a racing client, or a process dying at an exact point."""
    log = CallLog(before=lambda c: hook(c.method, c.target, c.args))
    return inventory_over(registry, documents=CountedStore(registry.documents(), log))


def raw_documents(registry: Registry, container: str = "inventory") -> list[dict[str, Any]]:
    """Every document of an inventory container as the store holds it (what the change
    feed delivers), read past the repository."""
    partition = {
        "inventory": SUPPLY_PARTITION,
        "reservations": RESERVATION_PARTITION,
        "ship_nodes": NODE_PARTITION,
    }[container]
    return registry.documents().container(ContainerSpec(container, partition)).query(Query())


def store_settings(request: pytest.FixtureRequest, tmp_path: Path, store: str) -> Registry:
    if store == "embedded":
        return Registry(embedded_settings(tmp_path))
    endpoint, key = request.getfixturevalue("cosmos_server")
    return Registry(
        embedded_settings(
            tmp_path,
            COSMOS_ENDPOINT=endpoint,
            COSMOS_KEY=key,
            COSMOS_VERIFY_TLS=False,
            COSMOS_CREATE_CONTAINERS=True,
            COSMOS_DATABASE=f"inv{uuid.uuid4().hex[:12]}",
            # cosmosdb-server is one Node.js process: under 200 concurrent requests on
            # a shared 2-core machine an answer can take longer than Azure's 5 s.
            COSMOS_TIMEOUT_SECONDS=60,
        )
    )
