"""The CatalogSource port: where products, categories and brands live.

commercetools in production, the local source (one DocumentStore container) otherwise.
Each read takes a whole batch, so a page of products costs one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from shared.catalog.model import Brand, Category, Product, ProductSearch, SearchPage
from shared.preconditions import IfMatch


class CatalogSource(Protocol):
    """Where products, categories and brands live (commercetools or the local store)."""

    def get_products(self, product_ids: Sequence[str]) -> list[Product]:
        """The products that exist among ``product_ids``, in one round trip."""
        ...

    def find_product_id(self, *, slug: str | None = None, sku: str | None = None) -> str | None: ...

    def search_products(self, search: ProductSearch, *, offset: int, limit: int) -> SearchPage: ...

    def count_products(self, search: ProductSearch) -> int: ...

    def list_categories(self) -> list[Category]: ...

    def list_brands(self) -> list[Brand]: ...

    def check(self) -> str: ...


@runtime_checkable
class WritableCatalogSource(CatalogSource, Protocol):
    """A source this app owns (the local one); commercetools is changed in commercetools."""

    def upsert_product(self, product: Product, *, if_match: IfMatch | None = None) -> Product:
        """Store ``product`` with the next version; ``PreconditionFailed`` when the version
        it would replace is not one ``if_match`` accepts (checked against that very
        version, so a concurrent writer cannot slip in between)."""
        ...

    def upsert_products(self, products: Sequence[Product]) -> list[Product]:
        """Store many (seeding); returns only the products that changed."""
        ...

    def upsert_categories(self, categories: Sequence[Category]) -> None: ...

    def upsert_brands(self, brands: Sequence[Brand]) -> None: ...
