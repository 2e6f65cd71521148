"""The storefront GraphQL endpoint: POST and GET on one function, anonymous.

GET answers persisted queries (``extensions`` with a sha256 hash) and plain queries, and
serves the GraphiQL explorer when no query is given and ``CATALOG_GRAPHIQL_ENABLED``.
GET runs queries only, so a link can never trigger a mutation: a mutation sent by GET
is a 405 naming POST.

The catalog answers in GraphQL terms (an ``Outcome`` and a body); the statuses are
GraphQL over HTTP's, chosen here: a request that ran is 200 even with field errors, one
refused before anything ran is 400, and ``PersistedQueryNotFound`` is 200 because Apollo
clients read it from a successful response before sending the query text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import azure.functions as func
from pydantic import ConfigDict, field_validator

from functions._http import Call, QueryModel, Reply, endpoint
from shared import bootstrap
from shared.catalog.graphql.messages import GraphQLRequest, Outcome
from shared.errors import BadRequest

bp = func.Blueprint()

STATUS_BY_OUTCOME: Mapping[Outcome, int] = {
    Outcome.EXECUTED: 200,
    Outcome.REFUSED: 400,
    Outcome.PERSISTED_QUERY_NOT_FOUND: 200,
    Outcome.METHOD_NOT_ALLOWED: 405,
}


class GraphQLQueryString(QueryModel):
    """``?query=&variables=&operationName=&extensions=``; other parameters are ignored
    (cache busters, function keys)."""

    model_config = ConfigDict(extra="ignore")

    query: str | None = None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None

    @field_validator("variables", "extensions", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value) if value else None
            except ValueError:
                raise ValueError("must be a JSON object") from None
        return value


@bp.route(route="graphql", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(body=GraphQLRequest, query=GraphQLQueryString, optional_body=True)
def graphql(call: Call[GraphQLRequest | None, GraphQLQueryString, None]) -> Reply:
    registry = bootstrap.registry()
    if call.request.method.upper() == "GET":
        params = call.query
        if params.query is None and params.extensions is None:
            if not registry.settings.catalog_graphiql_enabled:
                raise BadRequest("a query is required", code="QUERY_REQUIRED")
            return Reply(200, registry.catalog().graphiql_page(), content_type="text/html")
        request = GraphQLRequest.model_validate(params.model_dump())
        answer = registry.catalog().execute_query(request, queries_only=True)
    else:
        answer = registry.catalog().execute_query(call.body or GraphQLRequest())
    allow = {"Allow": "POST"} if answer.outcome is Outcome.METHOD_NOT_ALLOWED else {}
    return Reply(STATUS_BY_OUTCOME[answer.outcome], answer.body, headers=allow)
