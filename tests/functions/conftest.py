"""Fixtures of the trigger tests in this directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import bootstrap
from shared.bootstrap import Registry
from tests.functions.inventory_client import store_settings


@pytest.fixture(params=["embedded", "cosmos"])
def reg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    """A registry installed process-wide, once on the embedded store and once on
    cosmosdb-server: the inventory trigger tests run on both."""
    registry = store_settings(request, tmp_path, request.param)
    with bootstrap.use_registry(registry):
        yield registry
