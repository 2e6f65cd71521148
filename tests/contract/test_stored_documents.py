"""Typed documents (shared/stored.py) over both DocumentStore adapters: models in and out,
the etag travelling with the model, kinds scoped in a shared container, paths from aliases,
and fields this version does not know kept through a replace."""

from __future__ import annotations

from typing import ClassVar, Literal

import pytest

from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.ports import ContainerSpec, DocumentStore, Filter, PatchOp, Query
from shared.stored import Documents, Stored, StoredModel, paths, to_json
from shared.wire import WireModel

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

SPEC = ContainerSpec("typed", "/shelfCode")


class Slot(WireModel):
    reserved_by: str
    until: float


class Shelf(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "shelf"

    doc_type: Literal["shelf"] = "shelf"
    shelf_code: str
    item_count: int = 0
    slots: dict[str, Slot] = {}


class Label(StoredModel):
    DOC_TYPE: ClassVar[str | None] = "label"

    doc_type: Literal["label"] = "label"
    shelf_code: str
    text: str


SHELF = paths(Shelf)
SLOT = paths(Slot)


@pytest.fixture
def shelves(document_store: DocumentStore) -> Documents[Shelf]:
    return Documents(document_store.container(SPEC), Shelf)


@pytest.fixture
def labels(document_store: DocumentStore) -> Documents[Label]:
    return Documents(document_store.container(SPEC), Label)


def test_paths_are_the_aliases_and_compose() -> None:
    assert (SHELF.item_count, SHELF.shelf_code, SHELF.id) == ("itemCount", "shelfCode", "id")
    assert SHELF.slots / "k1" / SLOT.reserved_by == "slots.k1.reservedBy"
    with pytest.raises(AttributeError, match="Shelf has no field 'itemcount'"):
        _ = SHELF.itemcount


def test_create_get_and_the_etag_that_travels_with_the_model(shelves: Documents[Shelf]) -> None:
    created = shelves.create(Shelf(id="s1", shelf_code="A", item_count=2))
    assert isinstance(created, Stored)
    assert created.model == Shelf(id="s1", shelf_code="A", item_count=2)
    assert created.etag
    assert shelves.get("s1", "A") == created
    assert shelves.get("s1", "B") is None
    with pytest.raises(Conflict):
        shelves.create(Shelf(id="s1", shelf_code="A"))


def test_replace_only_over_the_version_read(shelves: Documents[Shelf]) -> None:
    first = shelves.create(Shelf(id="s1", shelf_code="A"))
    second = shelves.replace(first.model.with_changes(item_count=5), if_match=first.etag)
    assert (second.model.item_count, second.etag != first.etag) == (5, True)
    assert shelves.try_replace(first.model.with_changes(item_count=9), if_match=first.etag) is None
    with pytest.raises(PreconditionFailed):
        shelves.replace(first.model.with_changes(item_count=9), if_match=first.etag)
    current = shelves.get("s1", "A")
    assert current is not None and current.model.item_count == 5


def test_patch_with_paths_and_a_condition(shelves: Documents[Shelf]) -> None:
    shelves.create(Shelf(id="s1", shelf_code="A", item_count=1))
    slot = SHELF.slots / "k1"
    ops = [
        PatchOp("incr", SHELF.item_count, 1),
        PatchOp("set", slot, to_json(Slot(reserved_by="r1", until=5.0))),
    ]
    patched = shelves.patch("s1", "A", ops, condition=(Filter(slot, "defined", False),))
    assert patched.model.item_count == 2
    assert patched.model.slots == {"k1": Slot(reserved_by="r1", until=5.0)}
    again = shelves.try_patch("s1", "A", ops, condition=(Filter(slot, "defined", False),))
    assert again is None
    with pytest.raises(NotFound):
        shelves.try_patch("nope", "A", ops)


def test_kinds_in_one_container_are_scoped(
    shelves: Documents[Shelf], labels: Documents[Label]
) -> None:
    shelves.create(Shelf(id="s1", shelf_code="A", item_count=3))
    labels.create(Label(id="l1", shelf_code="A", text="lipsticks"))
    assert [s.model.id for s in shelves.query(partition_key="A")] == ["s1"]
    assert [s.model.text for s in labels.query(Query(), partition_key="A")] == ["lipsticks"]
    assert (shelves.count(partition_key="A"), labels.count()) == (1, 1)
    by_count = shelves.query(Query(filters=(Filter(SHELF.item_count, ">=", 3),)))
    assert [s.model.id for s in by_count] == ["s1"]


def test_fields_this_version_does_not_know_survive_a_replace(
    document_store: DocumentStore, shelves: Documents[Shelf]
) -> None:
    raw = document_store.container(SPEC)
    raw.create({"id": "s1", "docType": "shelf", "shelfCode": "A", "addedLater": {"x": 1}})
    read = shelves.get("s1", "A")
    assert read is not None
    shelves.replace(read.model.with_changes(item_count=4), if_match=read.etag)
    stored = raw.read("s1", "A")
    assert (stored["itemCount"], stored["addedLater"]) == (4, {"x": 1})


def test_a_document_that_does_not_validate_can_be_set_aside(
    document_store: DocumentStore, shelves: Documents[Shelf]
) -> None:
    raw = document_store.container(SPEC)
    raw.create({"id": "bad", "docType": "shelf", "shelfCode": "A", "itemCount": "many"})
    shelves.create(Shelf(id="good", shelf_code="A"))
    skipped: list[str] = []
    found = shelves.query(
        Query(order_by=((SHELF.id, False),)),
        partition_key="A",
        invalid=lambda doc, exc: skipped.append(str(doc[SHELF.id])),
    )
    assert ([s.model.id for s in found], skipped) == (["good"], ["bad"])


def test_with_changes_refuses_an_unknown_field() -> None:
    with pytest.raises(AttributeError, match="Shelf has no field 'itemcount'"):
        Shelf(id="s1", shelf_code="A").with_changes(itemcount=3)
