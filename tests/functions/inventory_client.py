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


STORE_CALLS = frozenset(
    {"read", "read_many", "query", "count", "create", "replace", "patch", "delete", "upsert"}
)


class _HookedContainer:
    """A real container whose calls (each one round trip) first call
    ``hook(op, container, args)``: how a test counts round trips, or plays a racing
    client or a process dying at an exact point."""

    def __init__(self, inner: Any, hook: Hook) -> None:
        self._inner = inner
        self._hook = hook

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in STORE_CALLS:
            return attr

        def wrapped(*args: Any, **kw: Any) -> Any:
            self._hook(name, self._inner.spec.name, args)
            return attr(*args, **kw)

        return wrapped


class HookedStore:
    def __init__(self, inner: Any, hook: Hook) -> None:
        self._inner = inner
        self._hook = hook

    def container(self, spec: ContainerSpec) -> Any:
        return _HookedContainer(self._inner.container(spec), self._hook)

    def check(self) -> str:
        return str(self._inner.check())


class CountingCache:
    """The registry's real cache with each call (one round trip) recorded as
    ``(method, keys in the call)``: a loop of single writes shows up as many entries."""

    def __init__(self, inner: Any, calls: list[tuple[str, int]]) -> None:
        self._inner = inner
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)

        def wrapped(*args: Any, **kw: Any) -> Any:
            first = args[0] if args else None
            self._calls.append((name, len(first) if isinstance(first, list | dict) else 1))
            return attr(*args, **kw)

        return wrapped


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


def with_cache(registry: Registry, cache: Any) -> InventoryService:
    """The inventory over another cache (a ``CountingCache``)."""
    return inventory_over(registry, cache=cache)


def service_over(registry: Registry, hook: Hook) -> InventoryService:
    """The inventory on the registry's own store, cache and bus, its store calls seen
    through ``hook``."""
    return inventory_over(registry, documents=HookedStore(registry.documents(), hook))


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
