"""Fixtures and data of the DocumentStore contract suites (test_document_*.py).

``store`` is parametrised over the embedded store and Cosmos DB; the Cosmos side runs
against ``@vercel/cosmosdb-server`` (tests/cosmos_server.py) with one database per test,
the embedded side on its own SQLite file per test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.ports import (
    ContainerSpec,
    Document,
    DocumentStore,
)

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


def embedded_store(tmp_path: Path) -> Iterator[DocumentStore]:
    from shared.adapters.documents_embedded import EmbeddedDocumentStore

    store = EmbeddedDocumentStore(tmp_path / "nested" / "documents.db")
    yield store
    store.close()


def cosmos_store(request: pytest.FixtureRequest) -> Iterator[DocumentStore]:
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
