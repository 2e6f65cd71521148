"""DocumentStore contract: single documents, ETags, patches and races, on both adapters."""

from __future__ import annotations

import threading

import pytest

from shared.errors import BadRequest, Conflict, NotFound, PreconditionFailed, Unavailable
from shared.ports import Document, DocumentContainer, DocumentStore, Filter, PatchOp
from tests.contract.documents_support import DOCS, PRODUCTS, user

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

# --- single documents ------------------------------------------------------------------


def test_check_names_the_adapter(
    request: pytest.FixtureRequest, document_store: DocumentStore
) -> None:
    expected = {"embedded": "embedded-sqlite", "cosmos": "cosmos"}
    assert document_store.check() == expected[request.node.callspec.params["document_store"]]


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
    if op.op == "set" and request.node.callspec.params["document_store"] == "cosmos":
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
