"""The ConfigHub demo seed: a few hundred typed properties, idempotent."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console

from devhost.progress import Progress
from devhost.seed import SEEDERS
from shared.bootstrap import Registry
from shared.confighub.demo import seed_confighub


def all_configs(reg: Registry) -> list[tuple[str, str | None, str]]:
    service = reg.confighub()
    found: list[tuple[str, str | None, str]] = []
    token = None
    while True:
        page = service.list_configs({}, 500, token)
        found += [(c.application, c.profile, c.label) for c in page.items]
        token = page.continuation_token
        if token is None:
            return found


def test_seed_is_idempotent_and_covers_every_layer(registry: Registry) -> None:
    out = io.StringIO()
    progress = Progress(Console(file=out, width=200))
    seed_confighub(registry, progress)
    first = all_configs(registry)
    seed_confighub(registry, progress)
    assert all_configs(registry) == first
    assert len(first) == 268
    layers = Counter(first)
    assert {app for app, _, _ in layers} == {
        "application",
        "omni-product",
        "inventory-availability",
        "sourcing",
    }
    assert {profile for _, profile, _ in layers} == {None, "dev", "prod"}
    assert {label for _, _, label in layers} == {"main", "release"}
    assert len(layers) == 24
    assert [g.group_name for g in registry.confighub().groups.list_groups()] == [
        "platform",
        "catalog",
        "inventory",
        "sourcing",
        "storefront",
    ]
    assert f"confighub: 0 properties created, {len(first)} already there" in out.getvalue()
    env = registry.confighub().get_environment("omni-product", "prod", "main")
    assert [s.name for s in env.property_sources] == [
        "omni-product-prod",
        "application-prod",
        "omni-product",
        "application",
    ]


def test_seeder_is_registered_with_the_devhost() -> None:
    assert ("confighub", seed_confighub) in SEEDERS
