"""The demo-data seeders run by ``python -m devhost seed``, in order.

Each context appends one line to ``SEEDERS`` (``("confighub", seed_confighub)``), with
the seeder imported from ``shared.<context>.demo``. A seeder must be idempotent: running
the seed twice leaves the same data. Use ``progress.track(...)`` for long loops and
``progress.note(...)`` for one-line messages.
"""

from __future__ import annotations

from collections.abc import Callable

from devhost.progress import Progress
from shared.bootstrap import Registry
from shared.catalog.demo.generator import demo_skus
from shared.catalog.demo.seed import seed_catalog
from shared.confighub.demo import seed_confighub
from shared.inventory.demo import seed_inventory
from shared.sourcing.demo import seed_sourcing

Seeder = Callable[[Registry, Progress], None]


def seed_demo_stock(registry: Registry, progress: Progress) -> None:
    """Stock for every SKU of the demo catalogue seeded before it."""
    skus = demo_skus(registry.settings.catalog_seed_products)
    seed_inventory(registry, progress, skus)


SEEDERS: list[tuple[str, Seeder]] = []
SEEDERS.append(("confighub", seed_confighub))
SEEDERS.append(("sourcing", seed_sourcing))
SEEDERS.append(("catalog", seed_catalog))
SEEDERS.append(("inventory", seed_demo_stock))
