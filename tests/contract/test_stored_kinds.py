"""A ``Documents[M]`` over a container of several kinds sees its own kind only, by query
and by id, on both DocumentStore adapters."""

from __future__ import annotations

from typing import ClassVar, Literal

from shared.ports import ContainerSpec, DocumentStore
from shared.stored import Documents, StoredModel

SHELF = ContainerSpec("shelf", "/pk")


class Book(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "book"

    pk: str
    doc_type: Literal["book"] = "book"
    title: str


class Poster(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "poster"

    pk: str
    doc_type: Literal["poster"] = "poster"
    caption: str


def test_a_kind_never_reads_another(document_store: DocumentStore) -> None:
    container = document_store.container(SHELF)
    books, posters = Documents(container, Book), Documents(container, Poster)
    books.create(Book(id="b1", pk="p", title="Dune"))
    posters.create(Poster(id="x1", pk="p", caption="Arrakis"))
    found = books.get("b1", "p")
    assert found is not None and found.model == Book(id="b1", pk="p", title="Dune")
    assert books.get("x1", "p") is None
    assert posters.get("b1", "p") is None
    assert [s.model.id for s in books.read_many([("x1", "p"), ("b1", "p")])] == ["b1"]
    assert [s.model for s in posters.query(partition_key="p")] == [
        Poster(id="x1", pk="p", caption="Arrakis")
    ]
    assert (books.count(), posters.count()) == (1, 1)
