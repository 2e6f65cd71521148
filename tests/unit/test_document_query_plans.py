"""The embedded store's hot queries search an index, checked on SQLite's own plan
(``EXPLAIN QUERY PLAN``); the indexes it adds on demand are partial, shared and capped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.adapters.documents_embedded_indexes import MAX_ORDER_INDEXES
from shared.ports import ContainerSpec, Filter, Query

SUPPLY = ContainerSpec("inventory", "/itemId")
PRODUCTS = ContainerSpec("products", "/pk")
KEY_SEARCH = "SEARCH documents USING PRIMARY KEY (container=? AND pk=?)"
CONTAINER_SCAN = "SEARCH documents USING PRIMARY KEY (container=?)"
SORT = "USE TEMP B-TREE FOR ORDER BY"


def _order_indexes(store: EmbeddedDocumentStore) -> list[tuple[str, str]]:
    rows = store.connection().execute(
        "SELECT name, sql FROM sqlite_master WHERE name GLOB 'documents_order_*' ORDER BY sql"
    )
    return [(str(name), str(sql)) for name, sql in rows]


@pytest.mark.parametrize(
    ("spec", "query", "partition_key", "plan"),
    [
        (
            SUPPLY,
            Query(filters=(Filter("docType", "=", "supply"), Filter("itemId", "in", ["A", "B"]))),
            None,
            [KEY_SEARCH],
        ),
        (SUPPLY, Query(filters=(Filter("itemId", "=", "A"),)), None, [KEY_SEARCH]),
        (SUPPLY, Query(filters=(Filter("itemId", "=", 7),)), None, [CONTAINER_SCAN]),
        (SUPPLY, Query(filters=(Filter("docType", "=", "supply"),)), "A", [KEY_SEARCH]),
        (
            SUPPLY,
            Query(
                filters=(Filter("itemId", "in", ["p1", "p2"]),),
                order_by=(("sortName", False),),
                limit=5,
            ),
            None,
            [KEY_SEARCH, SORT],
        ),
        (
            PRODUCTS,
            Query(
                filters=(Filter("docType", "=", "product"),),
                order_by=(("sortName", False),),
                limit=50,
            ),
            None,
            ["SCAN documents USING INDEX {index}"],
        ),
        (
            PRODUCTS,
            Query(filters=(Filter("docType", "=", "product"),), order_by=(("sortName", False),)),
            None,
            [CONTAINER_SCAN, SORT],
        ),
        (
            PRODUCTS,
            Query(order_by=(("priceKey.USD", True),), limit=50, offset=100),
            None,
            ["SCAN documents USING INDEX {index}"],
        ),
        (
            PRODUCTS,
            Query(
                filters=(Filter("expiresAt", "<=", 5),),
                order_by=(("expiresAt", False),),
                limit=100,
            ),
            None,
            ["SEARCH documents USING INDEX {index} (<expr><?)"],
        ),
        (
            PRODUCTS,
            Query(order_by=(("sortName", False),), limit=5),
            "p1",
            [KEY_SEARCH, SORT],
        ),
    ],
    ids=[
        "pk-in-cross-partition",
        "pk-eq-string",
        "pk-eq-number-compares-by-value",
        "partition-scoped",
        "pk-in-wins-over-order-index",
        "order-by-page",
        "order-by-without-limit-sorts",
        "order-by-desc-page",
        "order-by-with-range",
        "partition-scoped-order-by",
    ],
)
def test_embedded_hot_queries_search_an_index(
    tmp_path: Path, spec: ContainerSpec, query: Query, partition_key: Any, plan: list[str]
) -> None:
    store = EmbeddedDocumentStore(tmp_path / "documents.db")
    container = store.container(spec)
    field = spec.partition_key_field
    for n in range(20):
        container.create({"id": f"d{n}", field: f"p{n % 4}", "sortName": f"n{n}", "expiresAt": n})
    found = container.query_plan(query, partition_key=partition_key)
    index = "".join(name for name, _ in _order_indexes(store))
    assert found == [line.format(index=index) for line in plan]
    store.close()


def test_order_indexes_are_partial_per_container_shared_by_both_directions_and_capped(
    tmp_path: Path,
) -> None:
    store = EmbeddedDocumentStore(tmp_path / "documents.db")
    products = store.container(PRODUCTS)
    for n in range(12):
        products.create(
            {"id": f"d{n}", "pk": f"p{n}", **{f"f{i}": (n * (i + 3)) % 12 for i in range(10)}}
        )
    products.query(Query(order_by=(("f0", True),), limit=3))
    products.query(Query(order_by=(("f0", False),), limit=3))
    assert [sql for _, sql in _order_indexes(store)] == [
        "CREATE INDEX " + _order_indexes(store)[0][0] + " ON documents "
        "(json_extract(body, '$.\"f0\"') ASC) WHERE container = 'products'"
    ]
    for i in range(1, 10):
        found = products.query(Query(order_by=((f"f{i}", False), ("id", False)), limit=20))
        assert [d["id"] for d in found] == sorted(
            (f"d{n}" for n in range(12)), key=lambda d: ((int(d[1:]) * (i + 3)) % 12, d)
        )
    assert len(_order_indexes(store)) == MAX_ORDER_INDEXES
    assert products.query_plan(Query(order_by=(("f9", False), ("id", False)), limit=20)) == [
        CONTAINER_SCAN,
        SORT,
    ]
    store.close()
