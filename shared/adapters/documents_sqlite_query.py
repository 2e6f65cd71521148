"""Renders the structured ``Query`` into SQLite over ``json_extract``.

Every value is a bound (named) parameter. JSON paths are SQL string literals (validated,
quotes doubled) because SQLite matches an expression index only against the identical
expression, and a parameter never is. Each comparison is guarded by the JSON type of the
value it is compared with, because SQLite orders any number below any string while
Cosmos DB treats a comparison between different types as undefined (the document does
not match); the guards make both stores return the same documents.

A filter on the container's partition-key field reads the ``pk`` column instead of the
body: ``pk`` holds the JSON text of that very field (``partition_key_text``). A string
or a boolean has one JSON spelling, so ``=`` and ``in`` with them compare that text and
search the primary key. A number has several (``1``, ``1.0``), so it is compared by
value, ``json_extract(pk, '$')``: the same SQL value as ``json_extract(body, <path>)``,
without parsing the body, but not a search.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from shared.adapters.documents_common import check_filter, split_path
from shared.errors import BadRequest
from shared.ports import Filter, Query

_COMPARISONS = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def partition_key_text(value: Any) -> str:
    """The stored text of a partition key value: the ``pk`` column and its lookups."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _one_spelling(value: Any) -> bool:
    return isinstance(value, str | bool)


def json_path(path: str) -> str:
    """``location.postalCode`` -> ``$."location"."postalCode"`` (quoted labels)."""
    out = "$"
    for segment in split_path(path):
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif '"' in segment:
            raise BadRequest(f"field names with double quotes are not supported: {path!r}")
        else:
            out += f'."{segment}"'
    return out


def sql_literal(text: str) -> str | None:
    """``text`` as an SQL string literal; ``None`` when SQL text cannot carry it (NUL)."""
    if "\x00" in text:
        return None
    return "'" + text.replace("'", "''") + "'"


def body_value(path: str) -> str | None:
    """``json_extract`` of ``path`` with a literal path, as an index expression names it."""
    literal = sql_literal(json_path(path))
    return None if literal is None else f"json_extract(body, {literal})"


def _type_guard(value: Any) -> tuple[str, ...]:
    """The ``json_type`` names a field must have to be comparable with ``value``."""
    if isinstance(value, bool):
        return ("true", "false")
    if isinstance(value, int | float):
        return ("integer", "real")
    if isinstance(value, str):
        return ("text",)
    raise BadRequest(f"cannot compare with a value of type {type(value).__name__}")


def _sql_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class SqliteRenderer:
    """Collects named parameters while rendering; one instance per statement.

    With ``partition_key_field`` the filters on that field read the ``pk`` column, and
    ``partition_key_lookup`` tells whether one of the filters passed to ``where`` is an
    ``=`` or ``in`` of strings or booleans on it (a primary-key search per value).
    """

    def __init__(self, partition_key_field: str | None = None) -> None:
        self.params: dict[str, Any] = {}
        self._pk_path = None if partition_key_field is None else split_path(partition_key_field)
        self.partition_key_lookup = False

    def _p(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def _path(self, path: str) -> str:
        text = json_path(path)
        literal = sql_literal(text)
        return self._p(text) if literal is None else literal

    def _is_pk(self, path: str) -> bool:
        return self._pk_path is not None and split_path(path) == self._pk_path

    def _extract(self, path: str) -> str:
        if self._is_pk(path):
            return "json_extract(pk, '$')"
        return f"json_extract(body, {self._path(path)})"

    def _jtype(self, path: str) -> str:
        if self._is_pk(path):
            return "json_type(pk)"
        return f"json_type(body, {self._path(path)})"

    def _types_in(self, path: str, types: Sequence[str]) -> str:
        return f"{self._jtype(path)} IN ({', '.join(self._p(t) for t in types)})"

    def where(self, filters: Sequence[Filter]) -> str:
        if not filters:
            return "1"
        rendered = [f"({self.predicate(f)})" for f in filters]
        self.partition_key_lookup = self.partition_key_lookup or any(
            self._looks_up_pk(f) for f in filters
        )
        return " AND ".join(rendered)

    def _looks_up_pk(self, flt: Filter) -> bool:
        if not isinstance(flt.field, str) or not self._is_pk(flt.field):
            return False
        if flt.op == "=":
            return _one_spelling(flt.value)
        return flt.op == "in" and bool(flt.value) and all(_one_spelling(v) for v in flt.value)

    def predicate(self, flt: Filter) -> str:
        check_filter(flt)
        if not isinstance(flt.field, str):
            return self._linear(flt)
        path, op, value = flt.field, flt.op, flt.value
        if op in _COMPARISONS:
            return self._compare(path, op, value)
        if op == "in":
            if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
                raise BadRequest("'in' takes a sequence of values")
            return self._in(path, value)
        if op == "startswith":
            text = self._text(value, op)
            extracted = self._extract(path)
            return (
                f"{self._jtype(path)} = 'text' AND "
                f"substr({extracted}, 1, length({self._p(text)})) = {self._p(text)}"
            )
        if op == "contains":
            text = self._text(value, op)
            return (
                f"{self._jtype(path)} = 'text' AND "
                f"instr(doc_lower({self._extract(path)}), doc_lower({self._p(text)})) > 0"
            )
        if op == "array_contains":
            return self._array_contains(path, value)
        if op == "defined":
            if not isinstance(value, bool):
                raise BadRequest("'defined' takes true or false")
            negate = "" if value else "NOT "
            return f"{negate}(COALESCE({self._jtype(path)}, 'null') != 'null')"
        raise BadRequest(f"unknown filter operator {op!r}")

    @staticmethod
    def _text(value: Any, op: str) -> str:
        if not isinstance(value, str):
            raise BadRequest(f"{op!r} takes a string")
        return value

    def _compare(self, path: str, op: str, value: Any) -> str:
        if value is None:
            if op == "=":
                return f"{self._jtype(path)} = 'null'"
            if op == "!=":
                return f"COALESCE({self._jtype(path)}, 'null') != 'null'"
            raise BadRequest(f"{op!r} cannot compare with null")
        if op == "=" and self._is_pk(path) and _one_spelling(value):
            return f"pk = {self._p(partition_key_text(value))}"
        guard = self._types_in(path, _type_guard(value))
        return f"{guard} AND {self._extract(path)} {_COMPARISONS[op]} {self._p(_sql_value(value))}"

    def _in(self, path: str, values: Sequence[Any]) -> str:
        """One ``IN`` list per JSON type class: the same rows as ``=`` on each value (no
        affinity applies to either side), and an index on the field can search it."""
        if not values:
            return "0"
        parts = []
        keys = [v for v in values if _one_spelling(v)] if self._is_pk(path) else []
        if keys:
            texts = ", ".join(self._p(partition_key_text(v)) for v in keys)
            parts.append(f"pk IN ({texts})")
        groups: dict[tuple[str, ...], list[Any]] = {}
        for item in values:
            if not (keys and _one_spelling(item)):
                groups.setdefault(_type_guard(item), []).append(_sql_value(item))
        parts.extend(
            f"{self._types_in(path, types)} AND {self._extract(path)} "
            f"IN ({', '.join(self._p(v) for v in items)})"
            for types, items in groups.items()
        )
        return " OR ".join(f"({part})" for part in parts)

    def _array_contains(self, path: str, value: Any) -> str:
        types = ("null",) if value is None else _type_guard(value)
        members = ", ".join(self._p(t) for t in types)
        match = "" if value is None else f" AND e.value = {self._p(_sql_value(value))}"
        return (
            f"{self._jtype(path)} = 'array' AND EXISTS (SELECT 1 FROM "
            f"json_each(body, {self._path(path)}) AS e "
            f"WHERE e.type IN ({members}){match})"
        )

    def _linear(self, flt: Filter) -> str:
        if flt.op not in _COMPARISONS:
            raise BadRequest("a sum of fields takes a comparison operator")
        if isinstance(flt.value, bool) or not isinstance(flt.value, int | float):
            raise BadRequest("a sum of fields compares with a number")
        assert not isinstance(flt.field, str)
        if not flt.field:
            raise BadRequest("a sum of fields needs at least one term")
        guards = " AND ".join(self._types_in(path, ("integer", "real")) for _, path in flt.field)
        total = " + ".join(
            f"{self._p(int(coefficient))} * {self._extract(path)}"
            for coefficient, path in flt.field
        )
        return f"{guards} AND ({total}) {_COMPARISONS[flt.op]} {self._p(flt.value)}"

    def order_limit(self, query: Query) -> str:
        parts = []
        if query.order_by:
            keys = ", ".join(
                f"json_extract(body, {self._path(path)}) {'DESC' if descending else 'ASC'}"
                for path, descending in query.order_by
            )
            parts.append(f"ORDER BY {keys}")
        if query.limit is not None or query.offset:
            limit = -1 if query.limit is None else _non_negative(query.limit, "limit")
            parts.append(
                f"LIMIT {self._p(limit)} OFFSET {self._p(_non_negative(query.offset, 'offset'))}"
            )
        return " ".join(parts)


def _non_negative(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequest(f"{name} must be a non-negative integer")
    return value
