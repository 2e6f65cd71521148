"""Pure pieces of the catalog: cursors, limits, error masking, the taxonomy."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, parse, specified_rules, validate

from shared.catalog.demo.generator import build_brands, build_categories
from shared.catalog.graphql.cost import depth_message, limit_rules
from shared.catalog.graphql.execution import (
    executable_schema,
    format_error,
    parse_document,
    spec_errors,
    validate_document,
)
from shared.catalog.graphql.listing import decode_cursor, encode_cursor
from shared.catalog.graphql.loaders import Taxonomy
from shared.catalog.model import Category
from shared.errors import BadRequest, NotFound


@pytest.mark.parametrize("offset", [0, 1, 49, 10_000], ids=str)
def test_cursor_round_trip(offset: int) -> None:
    assert decode_cursor(encode_cursor(offset)) == offset


@pytest.mark.parametrize("cursor", ["", "!!", "bzotMQ", "eDox", "bzphYmM"], ids=str)
def test_foreign_cursors_are_rejected(cursor: str) -> None:
    with pytest.raises(BadRequest) as err:
        decode_cursor(cursor)
    assert err.value.code == "INVALID_CURSOR"


def errors_of(
    query: str, variables: dict[str, Any] | None = None, cost: int = 100, depth: int = 10
) -> list[str]:
    return [
        e.message
        for e in validate(executable_schema(), parse(query), limit_rules(cost, depth, variables))
    ]


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ products(first: 10) { edges { cursor } } }", None, 10),
        ("{ products(first: 10) { edges { node { variants { sku } } } } }", None, 20),
        (
            "{ products(first: 10) { edges { node { variants { availability { status } } } } } }",
            None,
            30,
        ),
        (
            "{ products(first: 10) { edges { node { variants"
            " { deliveryOptions { levelOfService } } } } } }",
            None,
            40,
        ),
        ("query($n: Int) { products(first: $n) { edges { cursor } } }", {"n": 101}, 101),
        ('{ product(productId: "x") { variants { availability { status } } } }', None, 3),
        ("{ categoryTree { slug } brands { slug } }", None, 10),
        ('{ productsByIds(ids: ["a", "b", "c"]) { variants { sku } } }', None, 6),
        (
            "query($ids: [ID!]!) { productsByIds(ids: $ids)"
            " { variants { availability { status } } } }",
            {"ids": [str(i) for i in range(40)]},
            120,
        ),
    ],
    ids=[
        "page",
        "variants",
        "availability",
        "delivery",
        "variable",
        "product",
        "taxonomy",
        "ids-literal",
        "ids-variable",
    ],
)
def test_cost_model(query: str, variables: dict[str, Any] | None, cost: int) -> None:
    assert errors_of(query, variables, cost=cost) == []
    assert errors_of(query, variables, cost=cost - 1) == [
        f"The query exceeds the maximum cost of {cost - 1}. Actual cost is {cost}"
    ]


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("{ brands { slug } }", 2),
        ("{ products { edges { node { brand { name } } } } }", 5),
        ("{ a: brands { slug } b: categoryTree { children { children { slug } } } }", 4),
        ("{ ...F } fragment F on Query { brands { slug } }", 2),
        ("{ brands { ... on ProductBrand { logo { url } } } }", 3),
    ],
    ids=["flat", "nested", "widest-branch", "fragment", "inline-fragment"],
)
def test_depth_counting(query: str, depth: int) -> None:
    assert errors_of(query, depth=depth) == []
    assert errors_of(query, depth=depth - 1) == [depth_message(depth, depth - 1)]


@pytest.mark.parametrize(
    ("original", "path", "message", "code"),
    [
        (NotFound("no such brand"), ["brand"], "no such brand", "NOT_FOUND"),
        (BadRequest("bad", code="INVALID_ARGUMENT"), ["x"], "bad", "INVALID_ARGUMENT"),
        (RuntimeError("redis://:p4ss@cache:6380 down"), ["x"], "internal error", "INTERNAL"),
        (KeyError("secret-key"), ["x"], "internal error", "INTERNAL"),
        (None, None, "Cannot query field 'x'.", "GRAPHQL_VALIDATION_FAILED"),
    ],
    ids=["domain", "domain-code", "runtime", "keyerror", "validation"],
)
def test_error_formatter(
    original: Exception | None, path: list[str] | None, message: str, code: str
) -> None:
    text = message if original is None else str(original)
    error = GraphQLError(text, path=path, original_error=original)
    formatted = format_error(error)
    assert formatted["message"] == message
    assert formatted["extensions"]["code"] == code
    assert "p4ss" not in str(formatted) and "secret-key" not in str(formatted)


def test_taxonomy_ancestors_and_children() -> None:
    taxonomy = Taxonomy.build(build_categories(), build_brands())
    lipstick = taxonomy.category_by_slug["lipstick"]
    assert [c.slug for c in taxonomy.ancestors(lipstick)] == ["makeup", "lips"]
    assert [c.slug for c in taxonomy.children["cat-lips"]] == ["lipstick", "lip-gloss", "lip-liner"]
    assert taxonomy.brand_by_slug["kiln-studio"].brand_id == "brand-kiln-studio"


def test_taxonomy_survives_a_parent_cycle() -> None:
    a = Category(category_id="a", name="A", slug="a", parent_id="b")
    b = Category(category_id="b", name="B", slug="b", parent_id="a")
    taxonomy = Taxonomy.build([a, b], [])
    assert [c.category_id for c in taxonomy.ancestors(a)] == ["a", "b"]


def test_spec_rules_run_once_per_document_and_limits_per_request() -> None:
    """The specification's rules depend on the document alone; the cost depends on the
    variables, so it is checked on every request."""
    spec_errors.cache_clear()
    page = "query($n: Int) { products(first: $n) { edges { node { variants { sku } } } } }"
    schema = executable_schema()

    def check(query: str, n: int) -> list[str]:
        rules = [*specified_rules, *limit_rules(100, 10, {"n": n})]
        return [e.message for e in validate_document(schema, parse_document(query), rules)]

    assert check(page, 10) == []
    assert check(page, 60) == ["The query exceeds the maximum cost of 100. Actual cost is 120"]
    assert check("{ nope }", 1) == ["Cannot query field 'nope' on type 'Query'."]
    assert check("{ nope }", 1) == ["Cannot query field 'nope' on type 'Query'."]
    info = spec_errors.cache_info()
    assert (info.misses, info.hits) == (2, 2)
