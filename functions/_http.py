"""The single place that turns HTTP requests into models and errors into responses.

A trigger is declared as::

    @bp.route(route="things/{thingId}", methods=["GET"])
    @endpoint(route=ThingRoute, roles=[READER])
    def get_thing(call: Call[None, None, ThingRoute]) -> Reply:
        return Reply(200, service().get(call.route.thing_id))

``endpoint`` parses the body, query and route parameters with pydantic (400 on bad
input), checks the bearer token and roles (401/403), maps ``DomainError`` to its status
and never lets a stack trace or exception text of an unexpected error reach the client.
"""

from __future__ import annotations

import json
import logging
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
    PreconditionFailed,
    PreconditionRequired,
    RuleViolation,
    Unauthorized,
    Unavailable,
)
from shared.ports import Principal
from shared.security import require_any_role
from shared.wire import RequestModel

log = logging.getLogger("functions.http")

B = TypeVar("B")
Q = TypeVar("Q")
R = TypeVar("R")

STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (BadRequest, 400),
    (Unauthorized, 401),
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


class WireModel(RequestModel):
    """Base of request models: camelCase on the wire, unknown fields rejected."""


class QueryModel(WireModel):
    """Query strings carry text only; let pydantic coerce ``"10"`` and ``"true"``."""


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

    @property
    def caller(self) -> str:
        return self.principal.subject if self.principal else "anonymous"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def to_response(self) -> func.HttpResponse:
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
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BadRequest(
            f"invalid {where}", code="VALIDATION_FAILED", details=_validation_details(exc, where)
        ) from None


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
