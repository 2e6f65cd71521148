"""A GraphQL request and what became of it, in GraphQL terms.

The catalog answers every request with a ``GraphQLResult``: the response body (``data``
and/or ``errors``) and an ``Outcome`` that says whether the operation ran. Which HTTP
status each outcome is, is the transport's business (``functions/catalog_graphql.py``),
so no status code lives in the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.catalog.model import CatalogModel


class GraphQLRequest(CatalogModel):
    query: str | None = None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None


class Outcome(StrEnum):
    EXECUTED = "EXECUTED"
    """The operation ran; fields that failed are ``null`` with an error each."""
    REFUSED = "REFUSED"
    """Nothing ran: no query, or one too long, unparseable, invalid, too costly or too
    deep, variables that do not fit, an ``@inContext`` the catalog cannot serve."""
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    """A persisted query's hash this catalog does not know: by the automatic persisted
    queries protocol the client sends the query again with its text."""
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    """A mutation where only queries may run (a request a link could trigger)."""


@dataclass(frozen=True)
class GraphQLResult:
    outcome: Outcome
    body: dict[str, Any]


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def refused(message: str, code: str) -> GraphQLResult:
    return GraphQLResult(Outcome.REFUSED, error_body(message, code))
