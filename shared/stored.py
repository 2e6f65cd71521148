"""Typed documents: the stored shape of a Cosmos context, over the DocumentStore port.

A context declares each kind of document it stores as a ``StoredModel`` (one module per
context, the only place its stored field names are spelled) and reaches the store
through a ``Documents[M]``, which reads and writes models instead of dicts:

- ``Stored[M]`` is a model with the etag it was read or written at, so a conditional
  replace is ``docs.replace(new, if_match=old.etag)`` and cannot forget the etag;
- ``paths(M)`` names fields by their Python names and answers the stored path (the
  field's alias), so patches, filters and sort orders never spell a stored name;
- a container that holds several kinds (``docType``) is scoped per kind: a query through
  ``Documents[M]`` sees only documents of that kind, and a read by id finds none of another.

Stored models keep fields they do not declare (``extra="allow"``): a document written by a
newer version of the app survives a replace by an older one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_jsonable_python

from shared.errors import NotFound, PreconditionFailed
from shared.ports import SYSTEM_FIELDS, Document, DocumentContainer, Filter, PatchOp, Query
from shared.wire import WireModel

M = TypeVar("M", bound="StoredModel")
V = TypeVar("V", bound=BaseModel)
EVERYTHING = Query()


class StoredModel(WireModel):
    """One kind of stored document. ``DOC_TYPE`` names the kind where a container holds
    several; the store's own fields (``_etag``, ``_ts``...) are never part of a model."""

    model_config = ConfigDict(extra="allow")

    DOC_TYPE: ClassVar[str | None] = None

    id: str

    def to_document(self) -> Document:
        return self.model_dump(mode="json", by_alias=True)

    def as_view(self, view: type[V]) -> V:
        """The public model ``view`` of this document: its fields, taken as they are
        (they were validated when the document was read), without the stored extras."""
        fields = {name: self.__dict__[name] for name in view.model_fields}
        return view.model_construct(_fields_set=set(fields), **fields)

    def with_changes(self, **changes: Any) -> Self:
        """A copy with fields replaced by Python name; an unknown name is an error (a
        ``model_copy`` would store it as a new field)."""
        unknown = set(changes) - set(type(self).model_fields)
        if unknown:
            raise AttributeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return self.model_copy(update=changes)


@dataclass(frozen=True)
class Stored(Generic[M]):
    """A stored model and the etag of the version it was read or written at."""

    model: M
    etag: str


class FieldPath(str):
    """A stored field's path (its alias). ``path / key`` addresses a map entry or a
    nested field, so ``S.holds / key / H.exp`` is ``holds.<key>.exp``."""

    __slots__ = ()

    def __truediv__(self, other: str) -> FieldPath:
        return FieldPath(f"{self}.{other}")


class Paths:
    """The stored paths of a model's fields, by Python name: ``paths(Supply).safety_stock``
    is ``"safetyStock"``. An unknown name is an ``AttributeError`` at once."""

    __slots__ = ("_model", "_paths")

    def __init__(self, model: type[BaseModel]) -> None:
        self._model = model
        self._paths = {
            name: FieldPath(info.alias or name) for name, info in model.model_fields.items()
        }

    def __getattr__(self, name: str) -> FieldPath:
        try:
            return self._paths[name]
        except KeyError:
            raise AttributeError(f"{self._model.__name__} has no field {name!r}") from None


def paths(model: type[BaseModel]) -> Paths:
    return Paths(model)


def to_json(value: Any) -> Any:
    """A value as it is stored: models by alias, datetimes and enums as JSON."""
    return to_jsonable_python(value, by_alias=True)


def _model_fields(doc: Document) -> Document:
    body = dict(doc)
    for key in SYSTEM_FIELDS:
        body.pop(key, None)
    return body


class Documents(Generic[M]):
    """One kind of document in one container, read and written as ``Stored[M]``."""

    def __init__(self, container: DocumentContainer, model: type[M]) -> None:
        self._container = container
        self._model = model
        self._kind: tuple[Filter, ...] = ()
        self._kind_path = ""
        if model.DOC_TYPE is not None:
            self._kind_path = model.model_fields["doc_type"].alias or "doc_type"
            self._kind = (Filter(self._kind_path, "=", model.DOC_TYPE),)

    @property
    def name(self) -> str:
        return self._container.spec.name

    def load(self, doc: Document) -> Stored[M]:
        """A document the store returned, as a model with its etag."""
        return Stored(self._model.model_validate(_model_fields(doc)), str(doc.get("_etag", "")))

    def load_many(self, docs: Iterable[Document]) -> list[Stored[M]]:
        return [self.load(doc) for doc in docs]

    # --- reads -----------------------------------------------------------------------
    def get(self, id: str, partition_key: Any) -> Stored[M] | None:
        try:
            doc = self._container.read(id, partition_key)
        except NotFound:
            return None
        return self.load(doc) if self._of_kind(doc) else None

    def read_many(self, keys: Sequence[tuple[str, Any]]) -> list[Stored[M]]:
        return self.load_many(d for d in self._container.read_many(keys) if self._of_kind(d))

    def query(
        self,
        query: Query = EVERYTHING,
        *,
        partition_key: Any = None,
        invalid: Callable[[Document, ValidationError], None] | None = None,
    ) -> list[Stored[M]]:
        """Documents of this kind matching ``query``. With ``invalid``, a document that
        does not validate is handed to it and left out instead of failing the read."""
        found = self._container.query(self._scoped(query), partition_key=partition_key)
        if invalid is None:
            return self.load_many(found)
        loaded: list[Stored[M]] = []
        for doc in found:
            try:
                loaded.append(self.load(doc))
            except ValidationError as exc:
                invalid(doc, exc)
        return loaded

    def count(self, query: Query = EVERYTHING, *, partition_key: Any = None) -> int:
        return self._container.count(self._scoped(query), partition_key=partition_key)

    # --- writes ----------------------------------------------------------------------
    def create(self, model: M) -> Stored[M]:
        return self.load(self._container.create(model.to_document()))

    def upsert(self, model: M) -> Stored[M]:
        return self.load(self._container.upsert(model.to_document()))

    def replace(self, model: M, *, if_match: str) -> Stored[M]:
        """Only over the version read at ``if_match`` (``PreconditionFailed`` otherwise)."""
        return self.load(self._container.replace(model.to_document(), if_match=if_match))

    def try_replace(self, model: M, *, if_match: str) -> Stored[M] | None:
        """``replace``, or ``None`` when another writer came first."""
        try:
            return self.replace(model, if_match=if_match)
        except PreconditionFailed:
            return None

    def patch(
        self,
        id: str,
        partition_key: Any,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Stored[M]:
        doc = self._container.patch(id, partition_key, ops, condition=condition, if_match=if_match)
        return self.load(doc)

    def try_patch(
        self,
        id: str,
        partition_key: Any,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Stored[M] | None:
        """``patch``, or ``None`` when the condition or the etag did not hold."""
        try:
            return self.patch(id, partition_key, ops, condition=condition, if_match=if_match)
        except PreconditionFailed:
            return None

    def delete(self, id: str, partition_key: Any, *, if_match: str | None = None) -> None:
        self._container.delete(id, partition_key, if_match=if_match)

    def _of_kind(self, doc: Document) -> bool:
        return not self._kind or doc.get(self._kind_path) == self._model.DOC_TYPE

    def _scoped(self, query: Query) -> Query:
        if not self._kind:
            return query
        return Query(
            filters=(*self._kind, *query.filters),
            order_by=query.order_by,
            limit=query.limit,
            offset=query.offset,
        )
