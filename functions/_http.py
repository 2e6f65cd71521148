"""The single place that turns HTTP requests into models and errors into responses.

A trigger is declared as::

    @bp.route(route="things/{thingId}", methods=["GET"])
    @endpoint(route=ThingRoute, roles=[READER])
    def get_thing(call: Call[None, None, ThingRoute]) -> Reply:
        return Reply(200, service().get(call.route.thing_id))

``endpoint`` parses the body, query and route parameters with pydantic (400 on bad
input), checks the bearer token and roles (401/403), maps ``DomainError`` to its status
and never lets a stack trace or exception text of an unexpected error reach the client.

The ETag rule, for every route: a versioned resource's entity tag is its version as a
strong tag (``ETag: "7"``), written by ``Reply(etag=...)``. ``Call.if_match`` reads
``If-Match`` with the strong comparison of RFC 9110: ``"7"`` or a list of such tags, or
``*``; a weak tag (``W/"7"``) never matches, so a write sent with one fails with 412; a
header that is not a list of entity tags is a 400. ``Call.none_match`` reads
``If-None-Match`` with the weak comparison RFC 9110 gives it (reads answer 304).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import azure.functions as func
from pydantic import BaseModel, ValidationError

from shared import bootstrap
from shared.errors import (
    BadRequest,
    ConfigurationError,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PaymentRequired,
    PreconditionFailed,
    PreconditionRequired,
    RuleViolation,
    Unauthorized,
    Unavailable,
)
from shared.ports import Principal
from shared.preconditions import IfMatch
from shared.security import require_any_role
from shared.wire import REQUEST_CONTEXT, UNPROCESSABLE_TYPES, RequestModel

log = logging.getLogger("functions.http")

B = TypeVar("B")
Q = TypeVar("Q")
R = TypeVar("R")

STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (BadRequest, 400),
    (Unauthorized, 401),
    (PaymentRequired, 402),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (PreconditionFailed, 412),
    (RuleViolation, 422),
    (PreconditionRequired, 428),
    (Unavailable, 503),
    # A missing or invalid setting: the caller broke no rule, the service cannot serve.
    # The message names the setting, never its value.
    (ConfigurationError, 503),
)


class QueryModel(RequestModel):
    """Query strings carry text only; let pydantic coerce ``"10"`` and ``"true"``."""


_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*')
_MAX_VERSION_DIGITS = 18
"""Longer digit strings are no version this platform ever wrote; they can only fail."""


def etag(version: int | str) -> str:
    """The strong entity tag of a version (or of an opaque token such as a hash)."""
    return f'"{version}"'


def _entity_tags(header: str) -> list[tuple[bool, str]]:
    """``(weak, opaque)`` for each tag of a comma-separated list; 400 if it is none."""
    tags: list[tuple[bool, str]] = []
    for part in header.split(","):
        match = _ENTITY_TAG.fullmatch(part)
        if match is None:
            raise BadRequest(
                'If-Match and If-None-Match take entity tags, such as "7" or *',
                code="BAD_ETAG",
            )
        tags.append((match.group(1) is not None, match.group(2)))
    return tags


def parse_if_match(header: str | None) -> IfMatch | None:
    """``If-Match`` as the versions it accepts, compared strongly; ``None`` if absent."""
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return IfMatch(any_version=True)
    versions = frozenset(
        int(opaque)
        for weak, opaque in _entity_tags(header)
        if not weak and opaque.isdigit() and len(opaque) <= _MAX_VERSION_DIGITS
    )
    return IfMatch(versions)


def none_match(header: str | None, current: int | str) -> bool:
    """Whether ``If-None-Match`` names the current tag (weak comparison) or is ``*``."""
    if header is None or not header.strip():
        return False
    if header.strip() == "*":
        return True
    return any(opaque == str(current) for _, opaque in _entity_tags(header))


@dataclass(frozen=True)
class Call(Generic[B, Q, R]):
    """A parsed request: what a handler needs, and nothing of the transport."""

    request: func.HttpRequest
    body: B
    query: Q
    route: R
    principal: Principal | None
    request_id: str

    def header(self, name: str) -> str | None:
        value = self.request.headers.get(name)
        return value if value else None

    def if_match(self, *, required: bool = False) -> IfMatch | None:
        """The ``If-Match`` precondition (see the module's ETag rule); ``required``
        makes a write sent without one a 428."""
        found = parse_if_match(self.header("If-Match"))
        if found is None and required:
            raise PreconditionRequired(
                "this write needs an If-Match header with the ETag you last read",
                code="IF_MATCH_REQUIRED",
            )
        return found

    def none_match(self, current: int | str) -> bool:
        """True when ``If-None-Match`` already holds ``current``: answer 304."""
        return none_match(self.header("If-None-Match"), current)

    @property
    def caller(self) -> str:
        return self.principal.subject if self.principal else "anonymous"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    etag: int | str | None = None
    """The resource's version (or opaque token): sent as a strong ``ETag``."""

    def to_response(self) -> func.HttpResponse:
        if self.etag is not None:
            self.headers["ETag"] = etag(self.etag)
        if self.body is None:
            payload: bytes | str = b""
        elif isinstance(self.body, bytes) or (
            isinstance(self.body, str) and self.content_type != "application/json"
        ):
            payload = self.body
        else:
            payload = json.dumps(to_jsonable(self.body), separators=(",", ":"))
        return func.HttpResponse(
            body=payload,
            status_code=self.status,
            headers=self.headers,
            mimetype=self.content_type if self.body is not None else None,
        )


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def error_reply(status: int, code: str, message: str, details: Any = None) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message, "details": details}})


def status_of(error: DomainError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 422


def _validation_details(exc: ValidationError, where: str) -> list[dict[str, Any]]:
    return [
        {"location": where, "field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _parse(model: type[Any] | None, raw: Any, where: str) -> Any:
    if model is None:
        return None
    try:
        return model.model_validate(raw, context=REQUEST_CONTEXT)
    except ValidationError as exc:
        details = _validation_details(exc, where)
        if all(e["type"] in UNPROCESSABLE_TYPES for e in exc.errors()):
            # Well-formed values no rule can use (a time with an offset where a node-local
            # time is meant, an infinite distance): 422, naming each field.
            raise RuleViolation(
                f"unusable value in {where}", code="UNPROCESSABLE_VALUE", details=details
            ) from None
        raise BadRequest(f"invalid {where}", code="VALIDATION_FAILED", details=details) from None


def _json_body(req: func.HttpRequest) -> Any:
    raw = req.get_body()
    if not raw:
        raise BadRequest("a JSON body is required", code="BODY_REQUIRED")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"malformed JSON body: {exc}", code="MALFORMED_JSON") from None


def authenticate(req: func.HttpRequest) -> Principal:
    header = req.headers.get("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    return bootstrap.registry().tokens().verify(token.strip())


Handler = Callable[[Call[Any, Any, Any]], Reply]
Trigger = Callable[[func.HttpRequest], func.HttpResponse]


def endpoint(
    *,
    body: type[Any] | None = None,
    query: type[Any] | None = None,
    route: type[Any] | None = None,
    roles: Iterable[str] | None = None,
    optional_body: bool = False,
) -> Callable[
    [Callable[[Call[Any, Any, Any]], Reply]], Callable[[func.HttpRequest], func.HttpResponse]
]:
    """Wrap a handler; ``roles=None`` means anonymous, else any one of ``roles``."""
    wanted = frozenset(roles) if roles is not None else None

    def decorate(handler: Handler) -> Trigger:
        def trigger(req: func.HttpRequest) -> func.HttpResponse:
            request_id = req.headers.get("x-request-id") or str(uuid.uuid4())
            try:
                principal = None
                if wanted is not None:
                    principal = authenticate(req)
                    require_any_role(principal, wanted)
                parsed_body = None
                if body is not None and (req.get_body() or not optional_body):
                    parsed_body = _parse(body, _json_body(req), "body")
                call: Call[Any, Any, Any] = Call(
                    request=req,
                    body=parsed_body,
                    query=_parse(query, dict(req.params), "query"),
                    route=_parse(route, dict(req.route_params), "route"),
                    principal=principal,
                    request_id=request_id,
                )
                reply = handler(call)
            except DomainError as exc:
                reply = error_reply(status_of(exc), exc.code, exc.message, exc.details)
            except Exception:
                log.exception("unhandled error in %s (request %s)", handler.__name__, request_id)
                reply = error_reply(500, "INTERNAL", "internal error", {"requestId": request_id})
            reply.headers.setdefault("x-request-id", request_id)
            return reply.to_response()

        trigger.__name__ = handler.__name__
        trigger.__qualname__ = handler.__qualname__
        trigger.__doc__ = handler.__doc__
        return trigger

    return decorate
