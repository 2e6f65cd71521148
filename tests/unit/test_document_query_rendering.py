"""How structured queries become Cosmos SQL and SQLite JSON paths: values stay parameters."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.documents_cosmos_query import CosmosRenderer, cosmos_path, pointer
from shared.adapters.documents_sqlite_query import SqliteRenderer, json_path
from shared.errors import BadRequest
from shared.ports import Filter, Query


@pytest.mark.parametrize(
    ("flt", "sql", "parameters"),
    [
        (Filter("qty", ">=", 5), 'c["qty"] >= @p0', [5]),
        (
            Filter("location.postalCode", "startswith", "100"),
            'STARTSWITH(c["location"]["postalCode"], @p0)',
            ["100"],
        ),
        (Filter("name", "contains", "Rose"), 'CONTAINS(LOWER(c["name"]), LOWER(@p0))', ["Rose"]),
        (Filter("sku", "in", ["A", "B"]), 'c["sku"] IN (@p0, @p1)', ["A", "B"]),
        (Filter("sku", "in", []), "false", []),
        (Filter("tags", "array_contains", "red"), 'ARRAY_CONTAINS(c["tags"], @p0)', ["red"]),
        (Filter("note", "defined", True), 'IS_DEFINED(c["note"]) AND NOT IS_NULL(c["note"])', []),
        (Filter("lines.0.sku", "=", "A"), 'c["lines"][0]["sku"] = @p0', ["A"]),
        (
            Filter(((1, "quantity"), (-1, "reserved")), ">=", 2),
            '(@p0 * c["quantity"] + @p1 * c["reserved"]) >= @p2',
            [1, -1, 2],
        ),
    ],
    ids=[
        "compare",
        "startswith-nested",
        "contains",
        "in",
        "in-empty",
        "array-contains",
        "defined",
        "array-index",
        "linear-sum",
    ],
)
def test_cosmos_filters_render_values_as_parameters(
    flt: Filter, sql: str, parameters: list[Any]
) -> None:
    renderer = CosmosRenderer()
    assert renderer.predicate(flt) == sql
    assert [p["value"] for p in renderer.parameters] == parameters


def test_cosmos_patch_condition_renders_json_literals() -> None:
    renderer = CosmosRenderer(inline=True)
    where = renderer.where((Filter("status", "=", 'it\'s "open"'), Filter("qty", ">", 0)))
    assert where == '(c["status"] = "it\'s \\"open\\"") AND (c["qty"] > 0)'
    assert renderer.parameters == []


def test_cosmos_select_pages_with_top_and_scope() -> None:
    renderer = CosmosRenderer()
    sql = renderer.select(
        Query(filters=(Filter("qty", ">", 1),), order_by=(("qty", True),), limit=2, offset=3),
        (Filter("sku", "=", "A"),),
    )
    assert sql == (
        'SELECT TOP @p0 * FROM c WHERE (c["sku"] = @p1) AND (c["qty"] > @p2) ORDER BY c["qty"] DESC'
    )
    assert [p["value"] for p in renderer.parameters] == [5, "A", 1]


@pytest.mark.parametrize(
    ("path", "cosmos", "json", "json_pointer"),
    [
        ("a", 'c["a"]', '$."a"', "/a"),
        ("a.b.2", 'c["a"]["b"][2]', '$."a"."b"[2]', "/a/b/2"),
        ("/a/b", 'c["a"]["b"]', '$."a"."b"', "/a/b"),
        ('x"] OR 1=1 --', 'c["x\\"] OR 1=1 --"]', None, '/x"] OR 1=1 --'),
    ],
    ids=["top-level", "nested-with-index", "pointer-input", "hostile-name"],
)
def test_paths(path: str, cosmos: str, json: str | None, json_pointer: str) -> None:
    assert cosmos_path(path) == cosmos
    assert pointer(path) == json_pointer
    if json is None:
        with pytest.raises(BadRequest):
            json_path(path)
    else:
        assert json_path(path) == json


@pytest.mark.parametrize(
    "flt",
    [
        Filter("qty", "!=", None),
        Filter("qty", "<", None),
        Filter("tags", "=", ["a"]),
        Filter("sku", "in", "AB"),
        Filter("name", "startswith", 5),
        Filter("note", "defined", "yes"),
        Filter(((1, "a"),), "in", [1]),
        Filter(((1, "a"),), ">", "5"),
    ],
    ids=[
        "ne-null",
        "lt-null",
        "eq-list",
        "in-string",
        "startswith-number",
        "defined-string",
        "sum-with-in",
        "sum-vs-string",
    ],
)
def test_filters_both_stores_would_read_differently_are_refused(flt: Filter) -> None:
    with pytest.raises(BadRequest):
        CosmosRenderer().predicate(flt)
    with pytest.raises(BadRequest):
        SqliteRenderer().predicate(flt)


@pytest.mark.parametrize(
    ("flt", "sql", "parameters"),
    [
        (
            Filter("qty", ">=", 5),
            "json_type(body, '$.\"qty\"') IN (:p0, :p1) AND json_extract(body, '$.\"qty\"') >= :p2",
            ["integer", "real", 5],
        ),
        (Filter("itemId", "=", "A"), "pk = :p0", ['"A"']),
        (Filter("itemId", "=", False), "pk = :p0", ["false"]),
        (
            Filter("itemId", "=", 1),
            "json_type(pk) IN (:p0, :p1) AND json_extract(pk, '$') = :p2",
            ["integer", "real", 1],
        ),
        (Filter("/itemId", "in", ["A", "é"]), "(pk IN (:p0, :p1))", ['"A"', '"\\u00e9"']),
        (
            Filter("itemId", "in", [1, "A", True, 2.5]),
            "(pk IN (:p0, :p1)) OR "
            "(json_type(pk) IN (:p2, :p3) AND json_extract(pk, '$') IN (:p4, :p5))",
            ['"A"', "true", "integer", "real", 1, 2.5],
        ),
        (
            Filter("itemId", "startswith", "A"),
            "json_type(pk) = 'text' AND substr(json_extract(pk, '$'), 1, length(:p0)) = :p1",
            ["A", "A"],
        ),
        (Filter("itemId", "=", None), "json_type(pk) = 'null'", []),
        (
            Filter("it's", "=", "x"),
            "json_type(body, '$.\"it''s\"') IN (:p0) AND json_extract(body, '$.\"it''s\"') = :p1",
            ["text", "x"],
        ),
        (
            Filter("a\x00b", "=", "x"),
            "json_type(body, :p0) IN (:p1) AND json_extract(body, :p2) = :p3",
            ['$."a\x00b"', "text", '$."a\x00b"', "x"],
        ),
    ],
    ids=[
        "body-path-literal",
        "partition-key-eq-text",
        "partition-key-eq-bool-text",
        "partition-key-eq-number-by-value",
        "partition-key-in-pointer-text",
        "partition-key-in-texts-and-numbers",
        "partition-key-startswith-by-value",
        "partition-key-null",
        "quote-doubled",
        "nul-path-stays-parameter",
    ],
)
def test_sqlite_paths_are_literals_and_partition_key_reads_the_pk_column(
    flt: Filter, sql: str, parameters: list[Any]
) -> None:
    renderer = SqliteRenderer("itemId")
    assert renderer.predicate(flt) == sql
    assert list(renderer.params.values()) == parameters


@pytest.mark.parametrize(
    ("filters", "lookup"),
    [
        ((Filter("itemId", "=", "A"),), True),
        ((Filter("docType", "=", "supply"), Filter("itemId", "in", ["A", "B"])), True),
        ((Filter("itemId", "in", ["A", True]),), True),
        ((Filter("itemId", "in", [1, 2.5]),), False),
        ((Filter("itemId", "in", ["A", 1]),), False),
        ((Filter("itemId", "in", []),), False),
        ((Filter("itemId", "=", None),), False),
        ((Filter("itemId", "startswith", "A"),), False),
        ((Filter("sku", "=", "A"),), False),
    ],
    ids=[
        "eq",
        "in-among-others",
        "in-strings-and-bools",
        "in-numbers",
        "in-mixed-types",
        "in-empty",
        "eq-null",
        "startswith",
        "other-field",
    ],
)
def test_sqlite_partition_key_lookup_is_an_eq_or_in_of_strings_or_bools(
    filters: tuple[Filter, ...], lookup: bool
) -> None:
    renderer = SqliteRenderer("itemId")
    renderer.where(filters)
    assert renderer.partition_key_lookup is lookup


def test_sqlite_order_by_reads_the_body_with_literal_paths() -> None:
    renderer = SqliteRenderer("itemId")
    tail = renderer.order_limit(Query(order_by=(("itemId", True), ("a.b", False)), limit=3))
    assert tail == (
        'ORDER BY json_extract(body, \'$."itemId"\') DESC, json_extract(body, \'$."a"."b"\') ASC '
        "LIMIT :p0 OFFSET :p1"
    )
    assert renderer.params == {"p0": 3, "p1": 0}
