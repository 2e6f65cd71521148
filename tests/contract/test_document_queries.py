"""DocumentStore contract: every filter operator, paging and partition scope, on both adapters."""

from __future__ import annotations

import pytest

from shared.ports import DocumentContainer, Filter, Query
from tests.contract.documents_support import DOCS, ids, user

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

QUERY_CASES: list[tuple[str, tuple[Filter, ...], list[str]]] = [
    ("eq-nested-string", (Filter("location.city", "=", "NYC"),), ["a1", "b1"]),
    ("eq-number", (Filter("qty", "=", 0),), ["a2"]),
    ("eq-bool", (Filter("active", "=", False),), ["a2"]),
    ("eq-null", (Filter("note", "=", None),), ["a1"]),
    ("ne-number", (Filter("qty", "!=", 5),), ["a2", "b1", "c1"]),
    ("lt", (Filter("qty", "<", 7),), ["a1", "a2"]),
    ("le", (Filter("qty", "<=", 7),), ["a1", "a2", "c1"]),
    ("gt-float", (Filter("price", ">", 10),), ["a1", "b1"]),
    ("ge", (Filter("price", ">=", 25),), ["b1"]),
    ("ge-string", (Filter("location.postalCode", ">=", "10002"),), ["a2", "b1", "c1"]),
    ("in", (Filter("sku", "in", ["A", "C"]),), ["a1", "a2", "c1"]),
    ("in-empty", (Filter("sku", "in", []),), []),
    ("startswith", (Filter("location.postalCode", "startswith", "100"),), ["a1", "b1"]),
    ("contains-ignores-case", (Filter("name", "contains", "rOSe"),), ["a1", "a2", "c1"]),
    ("array-contains", (Filter("tags", "array_contains", "red"),), ["a1", "c1"]),
    ("defined-true", (Filter("note", "defined", True),), ["b1"]),
    ("defined-false", (Filter("note", "defined", False),), ["a1", "a2", "c1"]),
    ("linear-sum", (Filter(((1, "qty"), (-1, "reserved")), ">=", 5),), ["c1"]),
    ("and", (Filter("active", "=", True), Filter("qty", ">", 5)), ["b1", "c1"]),
    ("no-filter", (), ["a1", "a2", "b1", "c1"]),
]


@pytest.mark.parametrize(
    ("filters", "expected"), [c[1:] for c in QUERY_CASES], ids=[c[0] for c in QUERY_CASES]
)
def test_query_operators_across_partitions(
    seeded: DocumentContainer, filters: tuple[Filter, ...], expected: list[str]
) -> None:
    found = seeded.query(Query(filters=filters))
    assert sorted(ids(found)) == expected
    assert seeded.count(Query(filters=filters)) == len(expected)


def test_query_returns_whole_documents(seeded: DocumentContainer) -> None:
    [found] = seeded.query(Query(filters=(Filter("id", "=", "c1"),)))
    assert user(found) == DOCS[3]
    assert found == seeded.read("c1", "C")


@pytest.mark.parametrize(
    ("partition_key", "filters", "expected"),
    [
        ("A", (), ["a1", "a2"]),
        ("A", (Filter("qty", ">", 1),), ["a1"]),
        ("B", (Filter("location.city", "=", "NYC"),), ["b1"]),
        ("Z", (), []),
    ],
    ids=["whole-partition", "filtered", "nested-filter", "empty-partition"],
)
def test_query_within_one_partition(
    seeded: DocumentContainer, partition_key: str, filters: tuple[Filter, ...], expected: list[str]
) -> None:
    found = seeded.query(Query(filters=filters), partition_key=partition_key)
    assert sorted(ids(found)) == expected
    assert seeded.count(Query(filters=filters), partition_key=partition_key) == len(expected)


@pytest.mark.parametrize(
    ("query", "partition_key", "expected"),
    [
        (Query(order_by=(("qty", False),)), None, ["a2", "a1", "c1", "b1"]),
        (Query(order_by=(("price", True),)), None, ["b1", "a1", "c1", "a2"]),
        (Query(order_by=(("location.postalCode", False),)), None, ["a1", "b1", "c1", "a2"]),
        (Query(order_by=(("qty", True),), limit=2), None, ["b1", "c1"]),
        (Query(order_by=(("qty", True),), limit=2, offset=1), None, ["c1", "a1"]),
        (Query(order_by=(("qty", False),), offset=3), None, ["b1"]),
        (Query(order_by=(("qty", True),), limit=1), "A", ["a1"]),
        (
            Query(filters=(Filter("active", "=", True),), order_by=(("qty", False),), limit=10),
            None,
            ["a1", "c1", "b1"],
        ),
    ],
    ids=[
        "asc",
        "desc-mixed-int-float",
        "nested-string",
        "limit",
        "limit-offset",
        "offset-only",
        "partition-limit",
        "filter-order-limit",
    ],
)
def test_query_order_limit_offset(
    seeded: DocumentContainer, query: Query, partition_key: str | None, expected: list[str]
) -> None:
    assert ids(seeded.query(query, partition_key=partition_key)) == expected


def test_count_ignores_limit(seeded: DocumentContainer) -> None:
    assert seeded.count(Query(limit=1, offset=1)) == 4


def test_query_values_are_parameters_not_sql(seeded: DocumentContainer) -> None:
    hostile = "A' OR 1=1 --"
    assert seeded.query(Query(filters=(Filter("sku", "=", hostile),))) == []
    seeded.create({"id": "q", "sku": hostile, "name": 'say "hi"'})
    found = seeded.query(Query(filters=(Filter("name", "=", 'say "hi"'),)))
    assert ids(found) == ["q"]
