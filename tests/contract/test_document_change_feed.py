"""The embedded store's change feed and its use by several threads and processes.

Embedded only: cosmosdb-server has no incremental change feed (docs/documents.md).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.errors import BadRequest
from shared.ports import ChangeFeedSource, ContainerSpec, Document, PatchOp
from tests.contract.documents_support import PRODUCTS, ids


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[EmbeddedDocumentStore]:
    store = EmbeddedDocumentStore(tmp_path / "documents.db")
    yield store
    store.close()


def test_embedded_store_is_a_change_feed_source(feed: EmbeddedDocumentStore) -> None:
    assert isinstance(feed, ChangeFeedSource)


def test_change_feed_returns_latest_versions_in_commit_order(feed: EmbeddedDocumentStore) -> None:
    products = feed.container(PRODUCTS)
    products.create({"id": "1", "sku": "A", "v": 1})
    products.create({"id": "2", "sku": "B", "v": 1})
    products.create({"id": "3", "sku": "A", "v": 1})
    products.patch("1", "A", [PatchOp("incr", "v", 1)])
    products.delete("3", "A")
    page = feed.read_change_feed("products", None)
    assert [(d["id"], d["v"]) for d in page.documents] == [("2", 1), ("1", 2)]
    assert page.documents[1]["_etag"] == products.read("1", "A")["_etag"]


def test_change_feed_continues_from_a_continuation(feed: EmbeddedDocumentStore) -> None:
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


def test_change_feeds_of_containers_are_isolated(feed: EmbeddedDocumentStore) -> None:
    feed.container(PRODUCTS).create({"id": "p", "sku": "A"})
    feed.container(ContainerSpec("orders", "/orderId")).create({"id": "o", "orderId": "1"})
    assert ids(feed.read_change_feed("products", None).documents) == ["p"]
    assert ids(feed.read_change_feed("orders", None).documents) == ["o"]
    assert feed.read_change_feed("nothing", None).documents == []


def test_change_feed_rejects_a_foreign_continuation(feed: EmbeddedDocumentStore) -> None:
    with pytest.raises(BadRequest):
        feed.read_change_feed("products", "not-ours")


def test_change_feed_misses_nothing_while_threads_write(feed: EmbeddedDocumentStore) -> None:
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
