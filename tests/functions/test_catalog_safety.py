"""Cost and depth limits, error masking, persisted queries, GET and GraphiQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from functions.catalog_graphql import STATUS_BY_OUTCOME
from shared import bootstrap
from shared.bootstrap import Registry
from shared.catalog.graphql.messages import Outcome
from shared.catalog.service import CatalogOptions, CatalogService
from shared.errors import Unavailable
from tests.conftest import embedded_settings
from tests.functions.catalog_helpers import Harness, build_harness, gql, http


@pytest.fixture
def h(registry: Registry) -> Iterator[Harness]:
    options = CatalogOptions.from_settings(registry.settings)
    yield build_harness(registry, 30, replace(options, max_cost=250, max_depth=7))


def no_backend_calls(h: Harness) -> None:
    assert (h.source.total, h.stock.total, h.promises.total) == (0, 0, 0)


COSTLY = (
    "query($n: Int) { products(first: $n)"
    " { edges { node { variants { availability { status } } } } } }"
)


@pytest.mark.parametrize(("n", "cost"), [(80, 240), (83, 249)], ids=["240", "249"])
def test_cost_within_the_limit_runs(h: Harness, n: int, cost: int) -> None:
    result = gql(COSTLY, {"n": n})
    assert result["_status"] == 200 and "errors" not in result
    assert len(result["data"]["products"]["edges"]) == 30


@pytest.mark.parametrize(("n", "cost"), [(84, 252), (100, 300)], ids=["252", "300"])
def test_cost_over_the_limit_fails_before_any_resolver(h: Harness, n: int, cost: int) -> None:
    result = gql(COSTLY, {"n": n})
    assert result == {
        "_status": 400,
        "errors": [
            {
                "message": f"The query exceeds the maximum cost of 250. Actual cost is {cost}",
                "extensions": {
                    "code": "QUERY_TOO_COSTLY",
                    "cost": {"requestedQueryCost": cost, "maximumAvailable": 250},
                },
            }
        ],
    }
    no_backend_calls(h)


def test_a_variables_default_counts_like_a_value(h: Harness) -> None:
    result = gql(COSTLY.replace("$n: Int", "$n: Int = 100"))
    assert [e["message"] for e in result["errors"]] == [
        "The query exceeds the maximum cost of 250. Actual cost is 300"
    ]
    no_backend_calls(h)
    within = gql(COSTLY.replace("$n: Int", "$n: Int = 100"), {"n": 2})
    assert len(within["data"]["products"]["edges"]) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "query($v: Int) { products(first: $v) { edges { cursor } } }",
            "first must be between 0 and 100, got null",
        ),
        (
            "query($v: Int) { categoryTree(depth: $v) { slug } }",
            "depth must be between 1 and 10, got null",
        ),
        (
            'query($v: Int) { product(productId: "prod-000001") { variants {'
            ' deliveryOptions(postalCode: "10001", quantity: $v) { levelOfService } } } }',
            "quantity must be 1 to 999, got null",
        ),
    ],
    ids=["first", "depth", "quantity"],
)
def test_an_explicit_null_is_an_invalid_argument(h: Harness, query: str, message: str) -> None:
    result = gql(query, {"v": None})
    assert [(e["extensions"]["code"], e["message"]) for e in result["errors"]] == [
        ("INVALID_ARGUMENT", message)
    ]


def test_sort_null_is_the_default_order(h: Harness) -> None:
    query = (
        "query($s: ProductSort) { products(first: 3, sort: $s) { edges { node { productId } } } }"
    )
    assert gql(query, {"s": None})["data"] == gql(query)["data"]


def test_nested_pages_multiply_cost(h: Harness) -> None:
    result = gql(
        "{ products(first: 10) { edges { node { brand { products(first: 30)"
        " { edges { cursor } } } } } } }"
    )
    assert [e["message"] for e in result["errors"]] == [
        "The query exceeds the maximum cost of 250. Actual cost is 320"
    ]
    no_backend_calls(h)


DEEP = (
    '{ product(productId: "prod-000001")'
    " { category { parent { parent { parent { parent { parent { name } } } } } } } }"
)
DEEP_FRAGMENT = """query { product(productId: "prod-000001") { ...P } }
fragment P on Product { category { parent { parent { ...Q } } } }
fragment Q on ProductCategory { parent { parent { parent { name } } } }"""


@pytest.mark.parametrize("query", [DEEP, DEEP_FRAGMENT], ids=["inline", "fragment"])
def test_depth_over_the_limit_fails_before_any_resolver(h: Harness, query: str) -> None:
    result = gql(query)
    assert result["_status"] == 400
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("The query exceeds the maximum depth of 7. Actual depth is 8", "QUERY_TOO_DEEP")
    ]
    no_backend_calls(h)


def test_depth_at_the_limit_runs_and_introspection_is_exempt(h: Harness) -> None:
    result = gql(
        '{ product(productId: "prod-000001") { category { parent { parent { name } } } } }'
    )
    assert result["data"] == {"product": {"category": {"parent": {"parent": {"name": "Makeup"}}}}}
    introspection = gql(
        "{ __schema { types { name fields { type { ofType { ofType { ofType { name } } } } } } } }"
    )
    assert introspection["_status"] == 200 and "errors" not in introspection


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        (
            "{ products(first: ) { edges { cursor } } }",
            "GRAPHQL_PARSE_FAILED",
            "Syntax Error: Unexpected ')'.",
        ),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED", "Cannot query field 'nope' on type 'Query'."),
    ],
    ids=["syntax", "unknown-field"],
)
def test_invalid_documents_are_400_with_a_code(
    h: Harness, query: str, code: str, message: str
) -> None:
    result = gql(query)
    assert result["_status"] == 400
    assert [(e["extensions"]["code"], e["message"]) for e in result["errors"]] == [(code, message)]


def test_bad_variable_is_a_validation_error(h: Harness) -> None:
    result = gql(COSTLY, {"n": "many"})
    assert result["_status"] == 400
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert result["errors"][0]["message"].startswith("Variable '$n' got invalid value 'many'")


class ExplodingSource:
    """A source whose backend fails with text that must never reach a client."""

    def __init__(self, inner: Any, error: Exception) -> None:
        self._inner = inner
        self._error = error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def find_product_id(self, *args: Any, **kwargs: Any) -> Any:
        raise self._error


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            RuntimeError("postgres://admin:s3cret@10.0.0.5/db timed out"),
            "INTERNAL",
            "internal error",
        ),
        (
            Unavailable("the catalog source is unavailable", code="CATALOG_SOURCE_UNAVAILABLE"),
            "CATALOG_SOURCE_UNAVAILABLE",
            "the catalog source is unavailable",
        ),
    ],
    ids=["unexpected", "domain"],
)
def test_errors_are_masked_and_coded(h: Harness, error: Exception, code: str, message: str) -> None:
    service = CatalogService(
        ExplodingSource(h.service.source, error),  # type: ignore[arg-type]
        h.registry.cache(),
        h.registry.events(),
        clock=h.registry.clock(),
        availability=h.service.availability,
        delivery=h.service.delivery,
        options=h.service.options,
        ttls=h.service.catalog.ttls,
    )
    h.registry.override(catalog=service)
    resp = http(
        "POST",
        "graphql",
        body={"query": '{ product(slug: "x") { productId } brands { slug } }'},
    )
    text = resp.get_body().decode()
    body = json.loads(text)
    assert resp.status_code == 200
    assert body["data"]["product"] is None
    assert len(body["data"]["brands"]) == 24
    assert body["errors"] == [
        {
            "message": message,
            "extensions": {"code": code},
            "locations": [{"line": 1, "column": 3}],
            "path": ["product"],
        }
    ]
    assert "s3cret" not in text and "Traceback" not in text and "10.0.0.5" not in text


# --- persisted queries, GET, GraphiQL ----------------------------------------------------
PQ = '{ product(productId: "prod-000002") { productId } }'
PQ_HASH = hashlib.sha256(PQ.encode()).hexdigest()


def ext(digest: str = PQ_HASH) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def test_persisted_query_round_trip(h: Harness) -> None:
    missing = gql_hash_only()
    assert missing == {
        "_status": 200,
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ],
    }
    registered = gql(PQ, extensions=ext())
    assert registered["data"] == {"product": {"productId": "prod-000002"}}
    assert gql_hash_only()["data"] == {"product": {"productId": "prod-000002"}}
    resp = http("GET", "graphql", params={"extensions": json.dumps(ext())})
    assert (resp.status_code, json.loads(resp.get_body())) == (
        200,
        {"data": {"product": {"productId": "prod-000002"}}},
    )


def gql_hash_only() -> dict[str, Any]:
    resp = http("POST", "graphql", body={"extensions": ext()})
    body: dict[str, Any] = json.loads(resp.get_body())
    body["_status"] = resp.status_code
    return body


def test_persisted_query_hash_mismatch(h: Harness) -> None:
    result = gql(PQ, extensions=ext("0" * 64))
    assert result == {
        "_status": 400,
        "errors": [
            {
                "message": "provided sha256Hash does not match query",
                "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
            }
        ],
    }


def test_get_with_query_and_variables(h: Harness) -> None:
    resp = http(
        "GET",
        "graphql",
        params={
            "query": "query($id: ID) { product(productId: $id) { productId } }",
            "variables": json.dumps({"id": "prod-000003"}),
            "cacheBuster": "1",
        },
    )
    assert (resp.status_code, json.loads(resp.get_body())) == (
        200,
        {"data": {"product": {"productId": "prod-000003"}}},
    )


MUTATION_ON_GET = {
    "message": "GET runs queries only: send a mutation by POST",
    "extensions": {"code": "METHOD_NOT_ALLOWED"},
}


@pytest.mark.parametrize(
    "params",
    [
        {"query": "mutation { rename }"},
        {"query": "mutation Rename { rename }", "operationName": "Rename"},
        {"query": "query Q { brands { slug } } mutation M { rename }", "operationName": "M"},
    ],
    ids=["anonymous", "named", "chosen-among-two"],
)
def test_get_with_a_mutation_is_405_naming_post(h: Harness, params: dict[str, str]) -> None:
    resp = http("GET", "graphql", params=params)
    assert (resp.status_code, resp.headers.get("Allow")) == (405, "POST")
    assert json.loads(resp.get_body()) == {"errors": [MUTATION_ON_GET]}


def test_get_with_a_persisted_mutation_is_405(h: Harness) -> None:
    query = "mutation Rename { rename }"
    persisted = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    resp = http("GET", "graphql", params={"query": query, "extensions": json.dumps(persisted)})
    assert (resp.status_code, json.loads(resp.get_body())) == (405, {"errors": [MUTATION_ON_GET]})


def test_get_picks_the_query_of_a_document_that_also_has_a_mutation(h: Harness) -> None:
    resp = http(
        "GET",
        "graphql",
        params={
            "query": 'query Q { brand(slug: "kiln-studio") { name } } mutation M { rename }',
            "operationName": "Q",
        },
    )
    assert resp.status_code == 200
    assert json.loads(resp.get_body()) == {"data": {"brand": {"name": "Kiln Studio"}}}


def test_get_with_malformed_variables_is_400(h: Harness) -> None:
    resp = http("GET", "graphql", params={"query": "{ brands { slug } }", "variables": "{oops"})
    body = json.loads(resp.get_body())
    assert resp.status_code == 400
    assert body["error"]["code"] == "VALIDATION_FAILED"


def test_post_without_body_needs_a_query(h: Harness) -> None:
    resp = http("POST", "graphql")
    assert (resp.status_code, json.loads(resp.get_body())) == (
        400,
        {"errors": [{"message": "a query is required", "extensions": {"code": "QUERY_REQUIRED"}}]},
    )


def test_get_without_query_serves_graphiql(h: Harness) -> None:
    resp = http("GET", "graphql")
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert "graphiql" in resp.get_body().decode().lower()


def test_graphiql_can_be_switched_off(tmp_path: Path) -> None:
    reg = Registry(embedded_settings(tmp_path, CATALOG_GRAPHIQL_ENABLED=False))
    with bootstrap.use_registry(reg):
        resp = http("GET", "graphql")
    assert (resp.status_code, json.loads(resp.get_body())["error"]["code"]) == (
        400,
        "QUERY_REQUIRED",
    )


def test_every_outcome_has_its_status() -> None:
    """The edge owns the statuses; an outcome it does not know would be a 500."""
    assert {outcome: STATUS_BY_OUTCOME[outcome] for outcome in Outcome} == {
        Outcome.EXECUTED: 200,
        Outcome.REFUSED: 400,
        Outcome.PERSISTED_QUERY_NOT_FOUND: 200,
        Outcome.METHOD_NOT_ALLOWED: 405,
    }
