"""Fixtures of the contract suites in this directory.

``document_store`` runs a DocumentStore test on the embedded store and on Cosmos DB
(cosmosdb-server); ``products`` is one container of it, ``seeded`` the same with DOCS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.ports import DocumentContainer, DocumentStore
from tests.contract.documents_support import DOCS, PRODUCTS, cosmos_store, embedded_store


@pytest.fixture(params=["embedded", "cosmos"])
def document_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    if request.param == "embedded":
        yield from embedded_store(tmp_path)
    else:
        yield from cosmos_store(request)


@pytest.fixture
def products(document_store: DocumentStore) -> DocumentContainer:
    return document_store.container(PRODUCTS)


@pytest.fixture
def seeded(products: DocumentContainer) -> DocumentContainer:
    for doc in DOCS:
        products.create(doc)
    return products
