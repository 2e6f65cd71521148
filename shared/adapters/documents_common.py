"""Document rules both DocumentStore adapters share, so they agree on every edge case.

Paths are dotted (``location.postalCode``) or JSON pointers (``/location/postalCode``);
a segment of digits addresses an array element. Patch operations follow Cosmos DB
partial-document semantics: ``set`` needs the parent to exist, ``incr`` starts a missing
field at the increment, ``remove`` needs the field, and neither ``id`` nor the partition
key may change.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from shared.errors import BadRequest
from shared.ports import SYSTEM_FIELDS, ContainerSpec, Document, Filter, PatchOp

MAX_PATCH_OPS = 10
"""Cosmos DB rejects a patch with more operations; the embedded store does the same."""

_MISSING = object()


def split_path(path: str) -> list[str | int]:
    raw = path[1:].split("/") if path.startswith("/") else path.split(".")
    if path.startswith("/"):
        raw = [part.replace("~1", "/").replace("~0", "~") for part in raw]
    if not raw or any(part == "" for part in raw):
        raise BadRequest(f"invalid document path {path!r}")
    return [int(part) if part.isdigit() else part for part in raw]


def get_path(doc: Any, segments: Sequence[str | int]) -> Any:
    """The value at ``segments``, or ``_MISSING``."""
    current = doc
    for segment in segments:
        if isinstance(segment, int) and isinstance(current, list):
            if segment >= len(current):
                return _MISSING
            current = current[segment]
        elif isinstance(current, dict) and str(segment) in current:
            current = current[str(segment)]
        else:
            return _MISSING
    return current


def partition_key_of(spec: ContainerSpec, doc: Document) -> Any:
    value = get_path(doc, split_path(spec.partition_key_field))
    if value is _MISSING:
        raise BadRequest(
            f"document has no partition key field {spec.partition_key_field!r}",
            details={"container": spec.name},
        )
    return value


def document_id(doc: Document) -> str:
    value = doc.get("id")
    if not isinstance(value, str) or not value:
        raise BadRequest("document needs a non-empty string 'id'")
    if any(ch in value for ch in "/\\?#"):
        raise BadRequest("document 'id' must not contain '/', '\\\\', '?' or '#'")
    return value


def user_fields(doc: Document) -> Document:
    """The document without store-maintained fields (they are never written back)."""
    return {key: value for key, value in doc.items() if key not in SYSTEM_FIELDS}


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float)


def check_filter(flt: Filter) -> None:
    """Reject filters the stores would read differently, before either store sees them.

    ``!=`` and orderings against null are undefined in Cosmos DB (no document matches),
    so they are refused in favour of ``defined``.
    """
    value = flt.value
    if not isinstance(flt.field, str):
        if not flt.field or flt.op not in ("=", "!=", "<", "<=", ">", ">="):
            raise BadRequest("a sum of fields needs terms and a comparison operator")
        if not is_number(value) or not all(is_number(c) for c, _ in flt.field):
            raise BadRequest("a sum of fields compares numbers")
        return
    if flt.op in ("!=", "<", "<=", ">", ">=") and value is None:
        raise BadRequest(f"{flt.op!r} cannot compare with null; use 'defined'")
    if flt.op in ("=", "!=", "<", "<=", ">", ">=", "array_contains") and not is_scalar(value):
        raise BadRequest(f"{flt.op!r} compares with a string, number, boolean or null")
    if flt.op == "in" and (
        isinstance(value, str | bytes)
        or not isinstance(value, Sequence)
        or not all(is_scalar(item) and item is not None for item in value)
    ):
        raise BadRequest("'in' takes a list of strings, numbers or booleans")
    if flt.op in ("startswith", "contains") and not isinstance(value, str):
        raise BadRequest(f"{flt.op!r} takes a string")
    if flt.op == "defined" and not isinstance(value, bool):
        raise BadRequest("'defined' takes true or false")


def check_patch(spec: ContainerSpec, ops: Sequence[PatchOp]) -> list[list[str | int]]:
    """The split paths of ``ops``; ``BadRequest`` for what Cosmos DB would refuse."""
    if not ops:
        raise BadRequest("a patch needs at least one operation")
    if len(ops) > MAX_PATCH_OPS:
        raise BadRequest(f"a patch takes at most {MAX_PATCH_OPS} operations")
    protected = {("id",), tuple(split_path(spec.partition_key_field))}
    paths = []
    for index, op in enumerate(ops):
        segments = split_path(op.path)
        if tuple(segments) in protected or str(segments[0]).startswith("_"):
            raise BadRequest(f"patch operation {index} may not change {op.path!r}")
        if op.op == "incr" and not is_number(op.value):
            raise BadRequest(f"patch operation {index}: increment value must be a number")
        paths.append(segments)
    return paths


def apply_patch(spec: ContainerSpec, doc: Document, ops: Sequence[PatchOp]) -> Document:
    """A patched copy of ``doc``; ``BadRequest`` when an operation is not applicable."""
    paths = check_patch(spec, ops)
    result = copy.deepcopy(doc)
    for index, (op, segments) in enumerate(zip(ops, paths, strict=True)):
        parent = get_path(result, segments[:-1])
        key = segments[-1]
        try:
            _apply_one(parent, key, op)
        except BadRequest as exc:
            raise BadRequest(
                f"patch operation {index} ({op.op} {op.path}): {exc.message}"
            ) from None
    return result


def _apply_one(parent: Any, key: str | int, op: PatchOp) -> None:
    if isinstance(parent, list) and isinstance(key, int):
        if key >= len(parent):
            raise BadRequest("array index out of bounds")
        slot: Any = parent
    elif isinstance(parent, dict):
        slot = parent
        key = str(key)
    else:
        raise BadRequest("the parent of the path does not exist")
    exists = key in slot if isinstance(slot, dict) else True
    if op.op == "set":
        slot[key] = copy.deepcopy(op.value)
    elif op.op == "remove":
        if not exists:
            raise BadRequest("the field to remove does not exist")
        del slot[key]
    else:
        current = slot[key] if exists else None
        if current is None:
            slot[key] = op.value
        elif not is_number(current):
            raise BadRequest("cannot increment a non-numeric value")
        else:
            slot[key] = current + op.value
