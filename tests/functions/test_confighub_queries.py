"""List filters and the storefront's UI config, which must answer the same on SQLite
and MariaDB: a prefix is case-sensitive and literal, ``profile=`` (empty) selects the
base layer, and the UI config can be read on another label."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import READER, create, hub, invoke

__all__ = ["hub"]

PROPS = [
    "catalog.size",
    "Catalog.size",
    "catalog_x.size",
    "catalogs.size",
    "catalog.tags[a b]",
    "catalog.tags[a]",
    "catalog.tags[50%]",
    "catalog.tags[5]",
]


def listed(**params: str) -> list[str]:
    result = invoke("list_configs", params=params, roles=(READER,))
    assert result.status == 200, result.body
    return [item["prop"] for item in result.body["items"]]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (
            "catalog",
            [
                "catalog.size",
                "catalog_x.size",
                "catalogs.size",
                "catalog.tags[a b]",
                "catalog.tags[a]",
                "catalog.tags[50%]",
                "catalog.tags[5]",
            ],
        ),
        ("Catalog", ["Catalog.size"]),
        ("CATALOG", []),
        ("catalog_", ["catalog_x.size"]),
        ("catalog.tags[a ", ["catalog.tags[a b]"]),
        ("catalog.tags[5", ["catalog.tags[50%]", "catalog.tags[5]"]),
        ("catalog.tags[50%", ["catalog.tags[50%]"]),
        ("catalog.size", ["catalog.size"]),
        ("catalog.sizes", []),
    ],
    ids=[
        "lower",
        "capital",
        "upper-matches-nothing",
        "underscore-is-literal",
        "trailing-space-is-significant",
        "shorter",
        "percent-is-literal",
        "whole-name",
        "longer-than-any",
    ],
)
def test_prop_prefix_is_case_sensitive_and_literal(
    hub: Registry, prefix: str, expected: list[str]
) -> None:
    for prop in PROPS:
        create(prop=prop, val="1", valType="STRING")
    assert listed(prop=prefix) == expected


def test_empty_profile_selects_the_base_layer(hub: Registry) -> None:
    create(profile=None, prop="a.base", val="1")
    create(profile="dev", prop="a.dev", val="2")
    create(profile="prod", prop="a.prod", val="3")
    assert listed(profile="") == ["a.base"]
    assert listed(profile="dev") == ["a.dev"]
    assert listed() == ["a.base", "a.dev", "a.prod"]


def ui(**params: str) -> tuple[int, Any]:
    result = invoke(
        "confighub_spring", route={"path": "ui/omni-product"}, params=params, roles=None
    )
    return result.status, result.body


def test_ui_config_on_another_label(hub: Registry) -> None:
    create(profile=None, prop="ui.theme", val="rose", valType="STRING", uiConsume=True)
    create(
        profile=None, label="release", prop="ui.theme", val="noir", valType="STRING", uiConsume=True
    )
    create(
        profile="dev",
        label="release/2",
        prop="ui.theme",
        val="gold",
        valType="STRING",
        uiConsume=True,
    )
    assert ui() == (200, {"ui.theme": "rose"})
    assert ui(label="release") == (200, {"ui.theme": "noir"})
    assert ui(label="release/2") == (200, {})
    assert ui(label="release/2", profile="dev") == (200, {"ui.theme": "gold"})
    assert ui(label="nothing-here") == (200, {})
    status, body = ui(label="a..b")
    assert (status, body["error"]["code"]) == (400, "INVALID_LABEL")
