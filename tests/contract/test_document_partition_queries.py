"""DocumentStore contract for the queries the embedded store answers from its indexes:
filters on the partition-key field keep JSON-type semantics (a number equals a number
of another spelling, never a string or a bool), and sorted pages follow every write.
"""

from __future__ import annotations

import pytest

from shared.ports import ContainerSpec, Document, DocumentStore, Filter, PatchOp, Query
from tests.contract.documents_support import ids

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

KEYED = ContainerSpec("keyed", "/key")
KEYED_DOCS: list[Document] = [
    {"id": "k-int", "key": 1, "kind": "n"},
    {"id": "k-float", "key": 1.0, "kind": "n"},
    {"id": "k-half", "key": 2.5, "kind": "n"},
    {"id": "k-str", "key": "1", "kind": "s"},
    {"id": "k-b", "key": "b", "kind": "s"},
    {"id": "k-true", "key": True, "kind": "b"},
]

KEY_CASES: list[tuple[str, tuple[Filter, ...], list[str]]] = [
    ("eq-int-matches-float-spelling", (Filter("key", "=", 1),), ["k-float", "k-int"]),
    ("eq-float-matches-int-spelling", (Filter("key", "=", 1.0),), ["k-float", "k-int"]),
    ("eq-string-not-number", (Filter("key", "=", "1"),), ["k-str"]),
    ("eq-bool-not-number", (Filter("key", "=", True),), ["k-true"]),
    ("in-strings", (Filter("key", "in", ["1", "b", "zz"]),), ["k-b", "k-str"]),
    ("in-numbers", (Filter("key", "in", [2.5, 1]),), ["k-float", "k-half", "k-int"]),
    (
        "in-mixed-types",
        (Filter("key", "in", [1, "b", True]),),
        ["k-b", "k-float", "k-int", "k-true"],
    ),
    ("in-with-other-filter", (Filter("kind", "=", "s"), Filter("key", "in", ["b", 1])), ["k-b"]),
    ("in-empty", (Filter("key", "in", []),), []),
    ("range-numbers-only", (Filter("key", "<", 2),), ["k-float", "k-int"]),
    ("startswith-strings-only", (Filter("/key", "startswith", "1"),), ["k-str"]),
]


@pytest.mark.parametrize(
    ("filters", "expected"), [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES]
)
def test_partition_key_filters_across_partitions(
    document_store: DocumentStore, filters: tuple[Filter, ...], expected: list[str]
) -> None:
    keyed = document_store.container(KEYED)
    for doc in KEYED_DOCS:
        keyed.create(doc)
    assert sorted(ids(keyed.query(Query(filters=filters)))) == expected
    assert keyed.count(Query(filters=filters)) == len(expected)


RANKED = ContainerSpec("ranked", "/group")


def _ranked(document_store: DocumentStore) -> list[Document]:
    ranked = document_store.container(RANKED)
    return [
        ranked.create({"id": f"r{n}", "group": "g1" if n % 2 else "g2", "rank": n * 10})
        for n in range(6)
    ]


def test_sorted_pages_follow_creates_replaces_patches_and_deletes(
    document_store: DocumentStore,
) -> None:
    ranked = document_store.container(RANKED)
    docs = _ranked(document_store)
    by_rank = Query(order_by=(("rank", False),), limit=4)
    assert ids(ranked.query(by_rank)) == ["r0", "r1", "r2", "r3"]
    ranked.create({"id": "r6", "group": "g1", "rank": 15})
    ranked.replace({"id": "r0", "group": "g2", "rank": 45}, if_match=docs[0]["_etag"])
    ranked.patch("r5", "g1", [PatchOp("incr", "rank", -45)])
    ranked.delete("r2", "g2")
    ranked.upsert({"id": "r3", "group": "g1", "rank": "text sorts apart"})
    assert ids(ranked.query(by_rank)) == ["r5", "r1", "r6", "r4"]
    assert ids(ranked.query(Query(order_by=(("rank", True),), limit=3, offset=1))) == [
        "r0",
        "r4",
        "r6",
    ]
    numeric = Query(filters=(Filter("rank", ">=", 10),), order_by=(("rank", True),))
    assert ids(ranked.query(numeric)) == ["r0", "r4", "r6", "r1"]
    assert ids(ranked.query(by_rank, partition_key="g2")) == ["r4", "r0"]


def test_sorted_query_within_a_partition_after_a_cross_partition_one(
    document_store: DocumentStore,
) -> None:
    ranked = document_store.container(RANKED)
    _ranked(document_store)
    descending = Query(order_by=(("rank", True),))
    assert ids(ranked.query(descending)) == ["r5", "r4", "r3", "r2", "r1", "r0"]
    assert ids(ranked.query(descending, partition_key="g1")) == ["r5", "r3", "r1"]
    assert ids(ranked.query(Query(filters=(Filter("group", "in", ["g2"]),)))) == [
        "r0",
        "r2",
        "r4",
    ]
