"""The demo catalog seeder: categories, brands and ``CATALOG_SEED_PRODUCTS`` products.

Idempotent: unchanged products, categories and brands are not rewritten. What it writes
is announced by the products container's change feed (``shared/catalog/feed.py``), like
every other write of the local catalog, so the seeder never publishes itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from shared.catalog.demo.generator import build_brands, build_categories, iter_products
from shared.catalog.service import CatalogService
from shared.catalog.sources.port import WritableCatalogSource
from shared.settings import Settings

T = TypeVar("T")
CHUNK = 200


class _Registry(Protocol):
    @property
    def settings(self) -> Settings: ...

    def catalog(self) -> CatalogService: ...


class _Progress(Protocol):
    def note(self, message: str) -> None: ...

    def track(
        self, items: Iterable[T], description: str, total: int | None = None
    ) -> Iterator[T]: ...


def seed_catalog_products(
    service: CatalogService, count: int, progress: _Progress | None = None
) -> int:
    """Returns how many products changed."""
    source = service.source
    if not isinstance(source, WritableCatalogSource):
        if progress is not None:
            progress.note("the catalog source is commercetools: nothing to seed")
        return 0
    source.upsert_categories(build_categories())
    source.upsert_brands(build_brands())
    service.catalog.refresh_categories()
    service.catalog.refresh_brands()
    starts: Iterable[int] = range(1, count + 1, CHUNK)
    if progress is not None:
        starts = progress.track(starts, f"{count} products", total=(count + CHUNK - 1) // CHUNK)
    changed = 0
    for start in starts:
        products = list(iter_products(min(CHUNK, count - start + 1), start=start))
        changed += len(source.upsert_products(products))
    return changed


def seed_catalog(registry: _Registry, progress: _Progress) -> None:
    count = registry.settings.catalog_seed_products
    changed = seed_catalog_products(registry.catalog(), count, progress)
    progress.note(f"{count} products ({changed} new or changed)")
