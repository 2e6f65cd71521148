"""Spring paths with comma lists and slashed labels, through the catch-all trigger on
SQLite and MariaDB: what a Spring client asking for several applications, profiles or
labels, or for a ``feature/x`` label (sent as ``feature(_)x``), gets back."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import READER, create, hub, invoke

__all__ = ["hub"]


def spring(path: str) -> Any:
    return invoke("confighub_spring", route={"path": path}, roles=(READER,))


def seed() -> None:
    rows = [
        ("application", None, "main", "shop.name", "Maison"),
        ("application", "dev", "main", "log.level", "DEBUG"),
        ("omni-product", None, "main", "catalog.size", "20"),
        ("omni-product", "dev", "main", "catalog.size", "50"),
        ("omni-product", "prod", "main", "catalog.size", "500"),
        ("sourcing", None, "main", "sourcing.mode", "fast"),
        ("sourcing", "dev", "main", "sourcing.mode", "slow"),
        ("omni-product", None, "release", "catalog.size", "30"),
        ("omni-product", "dev", "feature/x", "catalog.size", "70"),
    ]
    for application, profile, label, prop, val in rows:
        create(
            application=application,
            profile=profile,
            label=label,
            prop=prop,
            val=val,
            valType="STRING",
        )


MAIN_DEV = [
    ("omni-product-dev", {"catalog.size": "50"}),
    ("application-dev", {"log.level": "DEBUG"}),
    ("omni-product", {"catalog.size": "20"}),
    ("application", {"shop.name": "Maison"}),
]

CASES: list[tuple[str, str, str, list[str], str, list[tuple[str, dict[str, str]]]]] = [
    (
        "two-applications",
        "omni-product,sourcing/dev",
        "omni-product,sourcing",
        ["dev"],
        "main",
        [
            ("sourcing-dev", {"sourcing.mode": "slow"}),
            ("omni-product-dev", {"catalog.size": "50"}),
            ("application-dev", {"log.level": "DEBUG"}),
            ("sourcing", {"sourcing.mode": "fast"}),
            ("omni-product", {"catalog.size": "20"}),
            ("application", {"shop.name": "Maison"}),
        ],
    ),
    (
        "shared-application-named-first",
        "application,omni-product/dev",
        "application,omni-product",
        ["dev"],
        "main",
        MAIN_DEV,
    ),
    (
        "two-profiles",
        "omni-product/dev,prod",
        "omni-product",
        ["dev", "prod"],
        "main",
        [
            ("omni-product-prod", {"catalog.size": "500"}),
            ("omni-product-dev", {"catalog.size": "50"}),
            ("application-dev", {"log.level": "DEBUG"}),
            ("omni-product", {"catalog.size": "20"}),
            ("application", {"shop.name": "Maison"}),
        ],
    ),
    (
        "two-labels",
        "omni-product/dev/main,release",
        "omni-product",
        ["dev"],
        "main,release",
        [("omni-product", {"catalog.size": "30"}), *MAIN_DEV],
    ),
    (
        "slashed-label",
        "omni-product/dev/feature(_)x",
        "omni-product",
        ["dev"],
        "feature/x",
        [("omni-product-dev", {"catalog.size": "70"})],
    ),
    (
        "default-profile-has-no-rows",
        "omni-product/default",
        "omni-product",
        ["default"],
        "main",
        [("omni-product", {"catalog.size": "20"}), ("application", {"shop.name": "Maison"})],
    ),
]


@pytest.mark.parametrize(
    ("path", "name", "profiles", "label", "sources"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_environment_paths(
    hub: Registry,
    path: str,
    name: str,
    profiles: list[str],
    label: str,
    sources: list[tuple[str, dict[str, str]]],
) -> None:
    seed()
    result = spring(path)
    assert result.status == 200
    body = result.body
    assert (body["name"], body["profiles"], body["label"]) == (name, profiles, label)
    assert [(s["name"], s["source"]) for s in body["propertySources"]] == sources


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("feature(_)x/omni-product-dev.properties", "catalog.size: 70"),
        (
            "main/omni-product,sourcing-dev.properties",
            "shop.name: Maison\ncatalog.size: 50\nsourcing.mode: slow\nlog.level: DEBUG",
        ),
        ("release/omni-product-dev,prod.properties", "catalog.size: 30"),
    ],
    ids=["slashed-label", "two-applications", "two-profiles-other-label"],
)
def test_file_paths(hub: Registry, path: str, body: str) -> None:
    seed()
    result = spring(path)
    assert (result.status, result.raw.decode()) == (200, body)


def test_a_write_to_any_listed_application_refreshes_the_combined_environment(
    hub: Registry,
) -> None:
    seed()
    assert spring("omni-product,sourcing/dev").body["propertySources"][0] == {
        "name": "sourcing-dev",
        "source": {"sourcing.mode": "slow"},
    }
    listed = invoke("list_configs", params={"application": "sourcing", "profile": "dev"})
    (row,) = listed.body["items"]
    changed = invoke(
        "update_config",
        "PUT",
        body={"val": "balanced"},
        route={"configId": str(row["configId"])},
        headers={"If-Match": '"1"'},
    )
    assert changed.status == 200
    assert spring("omni-product,sourcing/dev").body["propertySources"][0] == {
        "name": "sourcing-dev",
        "source": {"sourcing.mode": "balanced"},
    }
