"""DocumentStore contract: the same behaviour from the embedded store and from Cosmos DB.

The Cosmos side runs against ``@vercel/cosmosdb-server`` (see tests/cosmos_server.py);
every test gets its own database there and its own SQLite file on the embedded side.
Change-feed cases run on the embedded store only: cosmosdb-server has no incremental
change feed.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.errors import BadRequest, Conflict, NotFound, PreconditionFailed, Unavailable
from shared.ports import (
    ChangeFeedSource,
    ContainerSpec,
    Document,
    DocumentContainer,
    DocumentStore,
    Filter,
    PatchOp,
    Query,
)

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

PRODUCTS = ContainerSpec("products", "/sku")

DOCS: list[Document] = [
    {
        "id": "a1",
        "sku": "A",
        "qty": 5,
        "price": 10.5,
        "name": "Rose Lipstick",
        "tags": ["red", "matte"],
        "active": True,
        "location": {"postalCode": "10001", "city": "NYC"},
        "note": None,
    },
    {
        "id": "a2",
        "sku": "A",
        "qty": 0,
        "price": 3.0,
        "name": "rose water",
        "tags": ["pink"],
        "active": False,
        "location": {"postalCode": "94105", "city": "SF"},
    },
    {
        "id": "b1",
        "sku": "B",
        "qty": 12,
        "price": 25,
        "name": "Mascara",
        "tags": [],
        "active": True,
        "location": {"postalCode": "10002", "city": "NYC"},
        "note": "x",
    },
    {
        "id": "c1",
        "sku": "C",
        "qty": 7,
        "price": 7.25,
        "name": "ROSEHIP OIL",
        "tags": ["oil", "red"],
        "active": True,
        "location": {"postalCode": "60601", "city": "CHI"},
        "reserved": 2,
    },
]


def user(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def ids(docs: list[Document]) -> list[str]:
    return [d["id"] for d in docs]


def _embedded(tmp_path: Path) -> Iterator[DocumentStore]:
    from shared.adapters.documents_embedded import EmbeddedDocumentStore

    store = EmbeddedDocumentStore(tmp_path / "nested" / "documents.db")
    yield store
    store.close()


def _cosmos(request: pytest.FixtureRequest) -> Iterator[DocumentStore]:
    from shared.adapters.documents_cosmos import CosmosDocumentStore

    endpoint, key = request.getfixturevalue("cosmos_server")
    database = f"t_{uuid.uuid4().hex[:12]}"
    store = CosmosDocumentStore(
        endpoint, credential=key, database=database, verify_tls=False, create_containers=True
    )
    yield store
    store.close()
    from azure.cosmos import CosmosClient

    with CosmosClient(endpoint, credential=key, connection_verify=False) as client:
        client.delete_database(database)


@pytest.fixture(params=["embedded", "cosmos"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    if request.param == "embedded":
        yield from _embedded(tmp_path)
    else:
        yield from _cosmos(request)


@pytest.fixture
def products(store: DocumentStore) -> DocumentContainer:
    return store.container(PRODUCTS)


@pytest.fixture
def seeded(products: DocumentContainer) -> DocumentContainer:
    for doc in DOCS:
        products.create(doc)
    return products


# --- single documents ------------------------------------------------------------------


def test_check_names_the_adapter(request: pytest.FixtureRequest, store: DocumentStore) -> None:
    expected = {"embedded": "embedded-sqlite", "cosmos": "cosmos"}
    assert store.check() == expected[request.node.callspec.params["store"]]


def test_create_then_read_returns_the_document_with_etag_and_ts(
    products: DocumentContainer,
) -> None:
    created = products.create({**DOCS[0], "_etag": "client-made", "_ts": 1})
    read = products.read("a1", "A")
    assert user(created) == DOCS[0]
    assert read == created
    assert isinstance(read["_etag"], str) and read["_etag"] != "client-made"
    assert isinstance(read["_ts"], int) and read["_ts"] > 1_600_000_000


def test_create_existing_id_in_same_partition_conflicts(products: DocumentContainer) -> None:
    products.create({"id": "x", "sku": "A", "v": 1})
    with pytest.raises(Conflict):
        products.create({"id": "x", "sku": "A", "v": 2})
    products.create({"id": "x", "sku": "B", "v": 3})
    assert products.read("x", "A")["v"] == 1
    assert products.read("x", "B")["v"] == 3


@pytest.mark.parametrize(
    ("id", "partition_key"), [("nope", "A"), ("x", "B")], ids=["missing-id", "other-partition"]
)
def test_read_missing_is_not_found(
    products: DocumentContainer, id: str, partition_key: str
) -> None:
    products.create({"id": "x", "sku": "A"})
    with pytest.raises(NotFound):
        products.read(id, partition_key)


@pytest.mark.parametrize(
    "doc",
    [{"sku": "A"}, {"id": "", "sku": "A"}, {"id": 5, "sku": "A"}, {"id": "a/b", "sku": "A"}],
    ids=["no-id", "empty-id", "numeric-id", "slash-in-id"],
)
def test_invalid_id_is_bad_request(products: DocumentContainer, doc: Document) -> None:
    with pytest.raises(BadRequest):
        products.create(doc)


def test_missing_partition_key_is_bad_request(products: DocumentContainer) -> None:
    with pytest.raises(BadRequest):
        products.upsert({"id": "x", "other": 1})


def test_upsert_creates_then_replaces_with_a_new_etag(products: DocumentContainer) -> None:
    first = products.upsert({"id": "u", "sku": "A", "v": 1})
    second = products.upsert({"id": "u", "sku": "A", "v": 2})
    assert user(second) == {"id": "u", "sku": "A", "v": 2}
    assert second["_etag"] != first["_etag"]
    assert products.read("u", "A") == second


def test_replace_with_current_etag_succeeds(products: DocumentContainer) -> None:
    created = products.create({"id": "r", "sku": "A", "v": 1})
    replaced = products.replace({**created, "v": 2}, if_match=created["_etag"])
    assert user(replaced) == {"id": "r", "sku": "A", "v": 2}
    assert replaced["_etag"] != created["_etag"]


def test_replace_with_stale_etag_fails_and_keeps_the_document(
    products: DocumentContainer,
) -> None:
    created = products.create({"id": "r", "sku": "A", "v": 1})
    current = products.replace({**created, "v": 2})
    with pytest.raises(PreconditionFailed):
        products.replace({**created, "v": 3}, if_match=created["_etag"])
    assert products.read("r", "A") == current


def test_replace_missing_is_not_found(products: DocumentContainer) -> None:
    with pytest.raises(NotFound):
        products.replace({"id": "nope", "sku": "A"})


def test_delete_removes_the_document(products: DocumentContainer) -> None:
    created = products.create({"id": "d", "sku": "A"})
    products.delete("d", "A", if_match=created["_etag"])
    with pytest.raises(NotFound):
        products.read("d", "A")
    with pytest.raises(NotFound):
        products.delete("d", "A")


def test_delete_with_stale_etag_fails(products: DocumentContainer) -> None:
    created = products.create({"id": "d", "sku": "A", "v": 1})
    products.upsert({"id": "d", "sku": "A", "v": 2})
    with pytest.raises(PreconditionFailed):
        products.delete("d", "A", if_match=created["_etag"])
    assert products.read("d", "A")["v"] == 2


def test_read_many_returns_existing_documents_in_request_order(
    seeded: DocumentContainer,
) -> None:
    found = seeded.read_many([("c1", "C"), ("zz", "A"), ("a2", "A"), ("a1", "B"), ("c1", "C")])
    assert [user(d) for d in found] == [DOCS[3], DOCS[1]]
    assert seeded.read_many([]) == []


# --- queries ---------------------------------------------------------------------------

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


# --- patch -----------------------------------------------------------------------------


def test_patch_set_incr_remove(products: DocumentContainer) -> None:
    created = products.create(
        {"id": "p", "sku": "A", "qty": 5, "old": True, "location": {"city": "NYC"}}
    )
    patched = products.patch(
        "p",
        "A",
        [
            PatchOp("incr", "qty", -2),
            PatchOp("incr", "reserved", 3),
            PatchOp("set", "location.postalCode", "10001"),
            PatchOp("set", "/status", "open"),
            PatchOp("remove", "old"),
        ],
    )
    assert user(patched) == {
        "id": "p",
        "sku": "A",
        "qty": 3,
        "reserved": 3,
        "location": {"city": "NYC", "postalCode": "10001"},
        "status": "open",
    }
    assert patched["_etag"] != created["_etag"]
    assert products.read("p", "A") == patched


def test_patch_missing_document_is_not_found(products: DocumentContainer) -> None:
    with pytest.raises(NotFound):
        products.patch("nope", "A", [PatchOp("set", "x", 1)])


@pytest.mark.parametrize(
    "op",
    [
        PatchOp("remove", "absent"),
        PatchOp("set", "missing.parent", 1),
        PatchOp("incr", "name", 1),
    ],
    ids=["remove-absent", "set-under-missing-parent", "incr-string"],
)
def test_inapplicable_patch_is_bad_request_and_changes_nothing(
    request: pytest.FixtureRequest, products: DocumentContainer, op: PatchOp
) -> None:
    if op.op == "set" and request.node.callspec.params["store"] == "cosmos":
        pytest.skip("cosmosdb-server creates a missing parent; Cosmos DB answers 400")
    created = products.create({"id": "p", "sku": "A", "qty": 1, "name": "n"})
    with pytest.raises(BadRequest):
        products.patch("p", "A", [PatchOp("incr", "qty", 1), op])
    assert products.read("p", "A") == created


@pytest.mark.parametrize(
    "condition",
    [
        (Filter("qty", ">=", 2),),
        (Filter(((1, "qty"), (-1, "reserved"), (-1, "safetyStock")), ">=", 2),),
        (Filter("status", "in", ["open", "held"]), Filter("qty", ">", 0)),
    ],
    ids=["simple", "linear-sum", "two-filters"],
)
def test_conditional_patch_that_holds_applies(
    products: DocumentContainer, condition: tuple[Filter, ...]
) -> None:
    products.create(
        {"id": "s", "sku": "A", "qty": 7, "reserved": 4, "safetyStock": 1, "status": "open"}
    )
    patched = products.patch("s", "A", [PatchOp("incr", "reserved", 2)], condition=condition)
    assert patched["reserved"] == 6
    assert products.read("s", "A")["reserved"] == 6


@pytest.mark.parametrize(
    "condition",
    [
        (Filter("qty", ">=", 8),),
        (Filter(((1, "qty"), (-1, "reserved"), (-1, "safetyStock")), ">=", 3),),
        (Filter("status", "=", "open"), Filter("missing", "defined", True)),
    ],
    ids=["simple", "linear-sum", "one-of-two"],
)
def test_conditional_patch_that_fails_leaves_the_document_unchanged(
    products: DocumentContainer, condition: tuple[Filter, ...]
) -> None:
    created = products.create(
        {"id": "s", "sku": "A", "qty": 7, "reserved": 4, "safetyStock": 1, "status": "open"}
    )
    with pytest.raises(PreconditionFailed):
        products.patch("s", "A", [PatchOp("incr", "reserved", 2)], condition=condition)
    assert products.read("s", "A") == created


def test_patch_with_stale_etag_fails(products: DocumentContainer) -> None:
    created = products.create({"id": "s", "sku": "A", "qty": 1})
    products.patch("s", "A", [PatchOp("incr", "qty", 1)], if_match=created["_etag"])
    with pytest.raises(PreconditionFailed):
        products.patch("s", "A", [PatchOp("incr", "qty", 1)], if_match=created["_etag"])
    assert products.read("s", "A")["qty"] == 2


def test_concurrent_conditional_decrements_never_oversell(products: DocumentContainer) -> None:
    products.create({"id": "stock", "sku": "A", "available": 7})
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def take_one() -> None:
        start.wait()
        try:
            products.patch(
                "stock",
                "A",
                [PatchOp("incr", "available", -1)],
                condition=(Filter("available", ">=", 1),),
            )
            result = "ok"
        except PreconditionFailed:
            result = "sold-out"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=take_one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 7 + ["sold-out"] * 13
    assert products.read("stock", "A")["available"] == 0


# --- change feed (embedded only) -------------------------------------------------------


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[Any]:
    yield from _embedded(tmp_path)


def test_embedded_store_is_a_change_feed_source(feed: Any) -> None:
    assert isinstance(feed, ChangeFeedSource)


def test_change_feed_returns_latest_versions_in_commit_order(feed: Any) -> None:
    products = feed.container(PRODUCTS)
    products.create({"id": "1", "sku": "A", "v": 1})
    products.create({"id": "2", "sku": "B", "v": 1})
    products.create({"id": "3", "sku": "A", "v": 1})
    products.patch("1", "A", [PatchOp("incr", "v", 1)])
    products.delete("3", "A")
    page = feed.read_change_feed("products", None)
    assert [(d["id"], d["v"]) for d in page.documents] == [("2", 1), ("1", 2)]
    assert page.documents[1]["_etag"] == products.read("1", "A")["_etag"]


def test_change_feed_continues_from_a_continuation(feed: Any) -> None:
    products = feed.container(PRODUCTS)
    for n in range(5):
        products.create({"id": str(n), "sku": "A"})
    first = feed.read_change_feed("products", None, max_items=2)
    second = feed.read_change_feed("products", first.continuation, max_items=2)
    third = feed.read_change_feed("products", second.continuation, max_items=2)
    empty = feed.read_change_feed("products", third.continuation, max_items=2)
    assert [ids(p.documents) for p in (first, second, third, empty)] == [
        ["0", "1"],
        ["2", "3"],
        ["4"],
        [],
    ]
    assert empty.continuation == third.continuation
    products.upsert({"id": "1", "sku": "A", "again": True})
    assert ids(feed.read_change_feed("products", empty.continuation).documents) == ["1"]


def test_change_feeds_of_containers_are_isolated(feed: Any) -> None:
    feed.container(PRODUCTS).create({"id": "p", "sku": "A"})
    feed.container(ContainerSpec("orders", "/orderId")).create({"id": "o", "orderId": "1"})
    assert ids(feed.read_change_feed("products", None).documents) == ["p"]
    assert ids(feed.read_change_feed("orders", None).documents) == ["o"]
    assert feed.read_change_feed("nothing", None).documents == []


def test_change_feed_rejects_a_foreign_continuation(feed: Any) -> None:
    with pytest.raises(BadRequest):
        feed.read_change_feed("products", "not-ours")


def test_change_feed_misses_nothing_while_threads_write(feed: Any) -> None:
    products = feed.container(PRODUCTS)
    writers = [
        threading.Thread(
            target=lambda w=w: [
                products.create({"id": f"{w}-{n}", "sku": str(w)}) for n in range(25)
            ]
        )
        for w in range(4)
    ]
    for thread in writers:
        thread.start()
    seen: list[Document] = []
    continuation = None
    while any(t.is_alive() for t in writers) or len(seen) < 100:
        page = feed.read_change_feed("products", continuation, max_items=7)
        seen += page.documents
        continuation = page.continuation
    for thread in writers:
        thread.join()
    lsns = [d["_lsn"] for d in seen]
    assert lsns == sorted(set(lsns))
    assert sorted(ids(seen)) == sorted(f"{w}-{n}" for w in range(4) for n in range(25))


_WRITER = """
import sys
from pathlib import Path
from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.ports import ContainerSpec, PatchOp
store = EmbeddedDocumentStore(Path(sys.argv[1]))
products = store.container(ContainerSpec("products", "/sku"))
for n in range(30):
    products.upsert({"id": f"{sys.argv[2]}-{n}", "sku": "A"})
    products.patch("counter", "A", [PatchOp("incr", "n", 1)])
"""


def test_several_processes_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    from shared.adapters.documents_embedded import EmbeddedDocumentStore

    store = EmbeddedDocumentStore(path)
    products = store.container(PRODUCTS)
    products.create({"id": "counter", "sku": "A", "n": 0})
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name], cwd=root)
        for name in ("p", "q", "r")
    ]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0, 0]
    assert products.read("counter", "A")["n"] == 90
    page = store.read_change_feed("products", None, max_items=1000)
    assert sorted(ids(page.documents)) == sorted(
        ["counter"] + [f"{name}-{n}" for name in ("p", "q", "r") for n in range(30)]
    )
    store.close()


def test_unreachable_cosmos_is_unavailable() -> None:
    from shared.adapters.documents_cosmos import CosmosDocumentStore

    store = CosmosDocumentStore(
        "https://127.0.0.1:9", credential="local-key", database="db", verify_tls=False
    )
    with pytest.raises(Unavailable) as caught:
        store.container(PRODUCTS).read("x", "A")
    assert caught.value.message == "connect: Cosmos DB unreachable (ServiceRequestError)"
    with pytest.raises(Unavailable):
        store.check()
