"""What a failing check means for the instance (``shared/bootstrap/health.py``)."""

from __future__ import annotations

import pytest

from shared.bootstrap.health import health_status

UP = {name: (True, name) for name in ("sql", "documents", "cache", "events", "catalog")}


@pytest.mark.parametrize(
    ("down", "status"),
    [
        ((), "ok"),
        (("cache",), "degraded"),
        (("events",), "degraded"),
        (("catalog",), "degraded"),
        (("cache", "events", "catalog"), "degraded"),
        (("sql",), "unavailable"),
        (("documents",), "unavailable"),
        (("documents", "cache"), "unavailable"),
    ],
    ids=[
        "all-up",
        "cache",
        "events",
        "catalog-source",
        "every-accelerator",
        "sql",
        "documents",
        "store-and-cache",
    ],
)
def test_only_a_store_of_record_makes_the_instance_unavailable(
    down: tuple[str, ...], status: str
) -> None:
    report = UP | {name: (False, "down") for name in down}
    assert health_status(report) == status
