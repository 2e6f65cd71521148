"""Renders the structured ``Query`` into Cosmos DB SQL.

Queries carry every value as an ``@parameter``. A conditional patch's predicate cannot
take parameters (the REST API has none for it), so there values are written as JSON
literals, which are valid Cosmos SQL literals and cannot break out of the expression.
Field names are always bracketed and JSON-quoted (``c["location"]["postalCode"]``) so a
name is never read as SQL.

Paging uses ``TOP`` and skips ``offset`` rows in the client: Cosmos DB charges for the
rows ``OFFSET`` skips anyway, and the local test server has ``TOP`` but no ``OFFSET``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from shared.adapters.documents_common import check_filter, split_path
from shared.errors import BadRequest
from shared.ports import Filter, Query

_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})


def cosmos_path(path: str) -> str:
    """``location.postalCode`` -> ``c["location"]["postalCode"]``."""
    return "c" + "".join(
        f"[{segment}]" if isinstance(segment, int) else f"[{json.dumps(segment)}]"
        for segment in split_path(path)
    )


def pointer(path: str) -> str:
    """A patch path as the JSON pointer Cosmos DB expects (``/location/postalCode``)."""
    return "/" + "/".join(
        str(segment).replace("~", "~0").replace("/", "~1") for segment in split_path(path)
    )


class CosmosRenderer:
    """One instance per statement; ``inline`` renders values as literals (patch conditions)."""

    def __init__(self, *, inline: bool = False) -> None:
        self.inline = inline
        self.parameters: list[dict[str, Any]] = []

    def _v(self, value: Any) -> str:
        if self.inline:
            return json.dumps(value)
        name = f"@p{len(self.parameters)}"
        self.parameters.append({"name": name, "value": value})
        return name

    def where(self, filters: Sequence[Filter]) -> str:
        if not filters:
            return "true"
        return " AND ".join(f"({self.predicate(f)})" for f in filters)

    def predicate(self, flt: Filter) -> str:
        check_filter(flt)
        if not isinstance(flt.field, str):
            total = " + ".join(
                f"{self._v(int(coefficient))} * {cosmos_path(path)}"
                for coefficient, path in flt.field
            )
            return f"({total}) {flt.op} {self._v(flt.value)}"
        path, op, value = cosmos_path(flt.field), flt.op, flt.value
        if op in _COMPARISONS:
            return f"{path} {op} {self._v(value)}"
        if op == "in":
            if not value:
                return "false"
            return f"{path} IN ({', '.join(self._v(item) for item in value)})"
        if op == "startswith":
            return f"STARTSWITH({path}, {self._v(value)})"
        if op == "contains":
            return f"CONTAINS(LOWER({path}), LOWER({self._v(value)}))"
        if op == "array_contains":
            return f"ARRAY_CONTAINS({path}, {self._v(value)})"
        if op == "defined":
            if value:
                return f"IS_DEFINED({path}) AND NOT IS_NULL({path})"
            return f"NOT IS_DEFINED({path}) OR IS_NULL({path})"
        raise BadRequest(f"unknown filter operator {op!r}")

    def select(self, query: Query, scope: Sequence[Filter]) -> str:
        """``SELECT`` for ``query``; the caller skips ``query.offset`` rows of the result."""
        top = ""
        offset = _non_negative(query.offset, "offset")
        if query.limit is not None:
            top = f"TOP {self._v(_non_negative(query.limit, 'limit') + offset)} "
        sql = f"SELECT {top}* FROM c WHERE {self.where((*scope, *query.filters))}"
        if query.order_by:
            keys = ", ".join(
                f"{cosmos_path(path)} {'DESC' if descending else 'ASC'}"
                for path, descending in query.order_by
            )
            sql += f" ORDER BY {keys}"
        return sql

    def count(self, query: Query, scope: Sequence[Filter]) -> str:
        return f"SELECT VALUE COUNT(1) FROM c WHERE {self.where((*scope, *query.filters))}"


def _non_negative(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequest(f"{name} must be a non-negative integer")
    return value
