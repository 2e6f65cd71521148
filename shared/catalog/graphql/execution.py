"""Runs one GraphQL document: parsing, limits, execution, masked errors.

The schema is parsed from ``schema.graphql`` on the first request, not at import, so
the Function app's cold start does not pay for it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_directive_values

from shared.catalog.graphql.cost import limit_rules, with_defaults
from shared.catalog.graphql.messages import (
    GraphQLRequest,
    GraphQLResult,
    Outcome,
    error_body,
    refused,
)
from shared.errors import ConfigurationError, DomainError, Unavailable

log = logging.getLogger("catalog.graphql")
SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
MAX_QUERY_CHARS = 20_000


@dataclass(frozen=True)
class Prepared:
    """A parsed document and the operation the request chose in it (``None``: the
    request named none that exists, which execution reports)."""

    document: DocumentNode
    operation: OperationDefinitionNode | None

    @property
    def is_mutation(self) -> bool:
        return self.operation is not None and self.operation.operation is OperationType.MUTATION


@functools.cache
def executable_schema() -> GraphQLSchema:
    from ariadne import load_schema_from_path, make_executable_schema

    from shared.catalog.graphql.resolvers_query import query
    from shared.catalog.graphql.resolvers_types import BINDABLES

    return make_executable_schema(load_schema_from_path(str(SCHEMA_FILE)), query, *BINDABLES)


@functools.lru_cache(maxsize=512)
def parse_document(text: str) -> DocumentNode:
    return parse(text)


@functools.lru_cache(maxsize=512)
def spec_errors(text: str) -> tuple[GraphQLError, ...]:
    """The specification's rules depend on the document alone, never on variables: a
    storefront sends the same few documents all day, so each is checked once (about a
    third of a warm product page's time went to re-validating it)."""
    return tuple(validate(executable_schema(), parse_document(text), specified_rules))


def validate_document(
    schema: GraphQLSchema,
    document_ast: DocumentNode,
    rules: Collection[type[ASTValidationRule]] | None = None,
    max_errors: int | None = None,
    type_info: TypeInfo | None = None,
) -> list[GraphQLError]:
    """ariadne's ``query_validator``: the cached specification rules, then ours (cost
    with this request's variables, depth) on every request."""
    text = document_ast.loc.source.body if document_ast.loc is not None else None
    if schema is not executable_schema() or text is None:
        return validate(schema, document_ast, rules, max_errors, type_info)
    found = list(spec_errors(text))
    own = [r for r in rules or () if r not in specified_rules]
    if found or not own:
        return found
    return validate(schema, document_ast, own, max_errors, type_info)


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """Every error carries a code; only messages we wrote ourselves reach the client.

    Errors without a path come from parsing, validation (cost, depth included) or
    variable coercion, and their messages describe the query. Errors with a path
    come from resolvers: a DomainError keeps its code and message, anything else
    becomes ``INTERNAL`` with no exception text.
    """
    del debug
    original = error.original_error
    extensions = dict(error.extensions or {})
    if isinstance(original, DomainError):
        message, extensions["code"] = original.message, original.code
        if original.details is not None:
            extensions["details"] = original.details
    elif error.path is None or original is None or isinstance(original, GraphQLError):
        message = error.message
        extensions.setdefault(
            "code", "GRAPHQL_VALIDATION_FAILED" if error.path is None else "EXECUTION_ERROR"
        )
        if "cost" in extensions:
            extensions["code"] = "QUERY_TOO_COSTLY"
    else:
        log.error("resolver failed at %s", error.path, exc_info=original)
        message, extensions = "internal error", {"code": "INTERNAL"}
    out: dict[str, Any] = {"message": message, "extensions": extensions}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path is not None:
        out["path"] = list(error.path)
    return out


class _AriadneLog(logging.LoggerAdapter[logging.Logger]):
    """The logger ariadne writes to: it logs every error at ERROR with a trace.

    A bad query, a cost or depth refusal, or a DomainError about the request is the
    client's mistake, not an incident, so those go to DEBUG without the trace; an
    unexpected resolver failure is already logged once, with its trace and path, by
    ``format_error``. What is left (a backend that is unavailable or misconfigured, a
    null for a non-null field) stays an ERROR, without ariadne's second trace.
    """

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        if not isinstance(msg, GraphQLError):
            super().error(msg, *args, **kwargs)
            return
        original = msg.original_error
        if msg.path is None or (
            isinstance(original, DomainError)
            and not isinstance(original, Unavailable | ConfigurationError)
        ):
            self.debug("GraphQL request refused: %s", msg.message)
        elif original is None or isinstance(original, GraphQLError | DomainError):
            self.logger.error("GraphQL error at %s: %s", msg.path, msg.message)


_ARIADNE_LOG = _AriadneLog(log, {})


def prepare(text: str, operation_name: str | None) -> Prepared | GraphQLResult:
    """The document to run, or the refusal of a text too long to parse or unparseable."""
    if len(text) > MAX_QUERY_CHARS:
        return refused(f"the query exceeds {MAX_QUERY_CHARS} characters", "QUERY_TOO_LARGE")
    try:
        document = parse_document(text)
    except GraphQLError as error:
        formatted = format_error(error)
        formatted["extensions"]["code"] = "GRAPHQL_PARSE_FAILED"
        return GraphQLResult(Outcome.REFUSED, {"errors": [formatted]})
    return Prepared(document, find_operation(document, operation_name))


def mutation_refused() -> GraphQLResult:
    """GraphQL over HTTP: a mutation sent by GET is refused naming POST, said plainly
    (graphql-core's own refusal talks about operation names)."""
    return GraphQLResult(
        Outcome.METHOD_NOT_ALLOWED,
        error_body("GET runs queries only: send a mutation by POST", "METHOD_NOT_ALLOWED"),
    )


def find_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def context_arguments(
    schema: GraphQLSchema, operation: OperationDefinitionNode | None, variables: dict[str, Any]
) -> dict[str, Any]:
    """The ``@inContext`` arguments of the operation, variables applied."""
    directive = schema.get_directive("inContext")
    if operation is None or directive is None:
        return {}
    try:
        return get_directive_values(directive, operation, variables) or {}
    except GraphQLError:
        return {}


def execute(
    schema: GraphQLSchema,
    document: DocumentNode,
    request: GraphQLRequest,
    context: Any,
    *,
    max_cost: int,
    max_depth: int,
) -> GraphQLResult:
    from ariadne import graphql_sync

    data = {
        "query": request.query or "",
        "variables": request.variables,
        "operationName": request.operation_name,
    }
    _, body = graphql_sync(
        schema,
        data,
        context_value=context,
        query_document=document,
        validation_rules=limit_rules(
            max_cost,
            max_depth,
            with_defaults(find_operation(document, request.operation_name), request.variables),
        ),
        error_formatter=format_error,
        query_validator=validate_document,
        logger=_ARIADNE_LOG,
    )
    return GraphQLResult(Outcome.REFUSED if _rejected(body) else Outcome.EXECUTED, body)


def with_stale(result: GraphQLResult, product_ids: Collection[str]) -> GraphQLResult:
    """Stale-if-error, said in the answer: the products served past their freshness
    because the catalog source failed (GraphQL's ``extensions``, beside ``data``)."""
    if not product_ids:
        return result
    extensions = dict(result.body.get("extensions") or {})
    extensions["staleIfError"] = {
        "products": sorted(product_ids),
        "reason": "the catalog source is unavailable; these products are served from the "
        "cache past their lifetime",
    }
    return GraphQLResult(result.outcome, {**result.body, "extensions": extensions})


def _rejected(body: dict[str, Any]) -> bool:
    """Nothing ran: parse, validation or variable errors (they carry no path)."""
    if "data" not in body:
        return True
    return body["data"] is None and all("path" not in e for e in body.get("errors", ()))


@functools.cache
def graphiql_page() -> str:
    from ariadne.explorer import ExplorerGraphiQL

    return ExplorerGraphiQL(title="Omni Product GraphQL", explorer_plugin=True).html(None)
