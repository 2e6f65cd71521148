"""What every acknowledged stock write does before it answers.

The write path re-reads and re-caches the items it wrote (``SupplyCache.refresh_written``:
no reader older than the write can land after it), then tells the stock listener, so a
copy of stock kept elsewhere (the storefront's) stops trusting older reads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from shared.inventory.supply_cache import SupplyCache

log = logging.getLogger("shared.inventory")


class StockListener(Protocol):
    """Told after every acknowledged write, before the caller gets its answer."""

    def items_changed(self, item_ids: Sequence[str]) -> None: ...

    def enterprise_changed(self, enterprise_code: str) -> None: ...


class StockChanges:
    def __init__(
        self,
        supply_cache: SupplyCache,
        listener: StockListener | None = None,
    ) -> None:
        self._supply_cache = supply_cache
        self._listener = listener

    def items_written(self, item_ids: Sequence[str]) -> None:
        """Every supply, adjustment and reservation write path ends here."""
        self._supply_cache.refresh_written(item_ids)
        if self._listener is not None:
            self._listener.items_changed(item_ids)

    def enterprise_written(self, enterprise_code: str) -> None:
        """A ship node changed: every item of the enterprise may read differently."""
        if self._listener is not None:
            self._listener.enterprise_changed(enterprise_code)
