"""Relay pagination over a source's ordered results, with the in-stock filter on top.

Cursors are opaque offsets into the source's order for the same filter and sort. The
in-stock filter cannot run in the source (stock lives in inventory), so it scans the
source in chunks and asks inventory once per chunk; the cursor still points into the
source's order, so the next page resumes where the scan stopped.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from shared.catalog.graphql.loaders import RequestLoaders
from shared.catalog.model import Product, ProductSearch
from shared.catalog.sources.port import CatalogSource
from shared.errors import BadRequest, RuleViolation

MAX_PAGE = 100
OUT_OF_STOCK = "OUT_OF_STOCK"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("the cursor is not one this API issued", code="INVALID_CURSOR") from None
    if kind != "o" or offset < 0:
        raise BadRequest("the cursor is not one this API issued", code="INVALID_CURSOR")
    return offset


def check_first(first: int | None) -> int:
    """``first: null`` is legal GraphQL for a nullable argument, and not a page size."""
    if first is None or not 0 <= first <= MAX_PAGE:
        got = "null" if first is None else first
        raise BadRequest(
            f"first must be between 0 and {MAX_PAGE}, got {got}", code="INVALID_ARGUMENT"
        )
    return first


@dataclass(frozen=True)
class ScanLimits:
    """Bounds of the in-stock scan: chunk size, chunks per page, and the most
    candidates ``totalCount`` may check."""

    chunk: int = 100
    chunks_per_page: int = 10
    count_candidates: int = 2000


@dataclass
class Connection:
    edges: list[tuple[str, Product]]
    has_next_page: bool
    has_previous_page: bool
    count: Callable[[], int]
    resume_cursor: str | None = None
    """Where a cut-short scan stopped; the next page starts after it."""

    @property
    def start_cursor(self) -> str | None:
        return self.edges[0][0] if self.edges else None

    @property
    def end_cursor(self) -> str | None:
        if self.resume_cursor is not None:
            return self.resume_cursor
        return self.edges[-1][0] if self.edges else None


def list_products(
    source: CatalogSource,
    loaders: RequestLoaders,
    search: ProductSearch,
    *,
    first: int | None,
    after: str | None,
    in_stock: bool = False,
    limits: ScanLimits | None = None,
) -> Connection:
    size = check_first(first)
    start = decode_cursor(after) + 1 if after else 0
    if in_stock:
        return _in_stock_page(
            source, loaders, search, first=size, start=start, limits=limits or ScanLimits()
        )
    page = source.search_products(search, offset=start, limit=size + 1)
    ids = list(page.product_ids)
    loaded = loaders.products(ids[:size])
    edges = [(encode_cursor(start + i), p) for i, p in enumerate(loaded) if p is not None]
    total = page.total

    def count() -> int:
        return total if total is not None else source.count_products(search)

    return Connection(edges, len(ids) > size, start > 0, count)


def has_stock(product: Product, loaders: RequestLoaders) -> bool:
    levels = loaders.stock_many(list(product.skus))
    return any(lv is not None and lv.status != OUT_OF_STOCK for lv in levels.values())


def _in_stock_page(
    source: CatalogSource,
    loaders: RequestLoaders,
    search: ProductSearch,
    *,
    first: int,
    start: int,
    limits: ScanLimits,
) -> Connection:
    """Scans at most ``limits.chunks_per_page`` chunks: a page of a sparse in-stock list may
    come back short, with ``hasNextPage`` and an end cursor at the scan position."""
    edges: list[tuple[str, Product]] = []
    offset = start
    more = True
    chunks = 0
    while more and len(edges) <= first and chunks < limits.chunks_per_page:
        chunks += 1
        ids = list(source.search_products(search, offset=offset, limit=limits.chunk).product_ids)
        more = len(ids) == limits.chunk
        products = loaders.products(ids)
        loaders.stock_many([s for p in products if p is not None for s in p.skus])
        for i, product in enumerate(products):
            if product is not None and has_stock(product, loaders):
                edges.append((encode_cursor(offset + i), product))
                if len(edges) > first:
                    break
        offset += len(ids)
    cut_short = more and len(edges) <= first

    def count() -> int:
        candidates = source.count_products(search)
        if candidates > limits.count_candidates:
            raise RuleViolation(
                f"totalCount with inStock needs a filter that leaves at most "
                f"{limits.count_candidates} products ({candidates} match)",
                code="TOTAL_COUNT_TOO_EXPENSIVE",
            )
        total, at = 0, 0
        while at < candidates:
            ids = list(source.search_products(search, offset=at, limit=limits.chunk).product_ids)
            if not ids:
                break
            products = [p for p in loaders.products(ids) if p is not None]
            loaders.stock_many([s for p in products for s in p.skus])
            total += sum(has_stock(p, loaders) for p in products)
            at += len(ids)
        return total

    return Connection(
        edges[:first],
        len(edges) > first or cut_short,
        start > 0,
        count,
        resume_cursor=encode_cursor(offset - 1) if cut_short else None,
    )
