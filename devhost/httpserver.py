"""The HTTP side of the devhost: every HTTP trigger behind one Starlette app.

Requests become real ``func.HttpRequest`` objects and the returned ``func.HttpResponse``
goes back as is. Function keys are not checked, as with Core Tools locally. A path that
matches no route is a 404; a path that matches only with another method is a 405 with
``Allow``; an exception in a function is a 500 with an empty body, logged with its
traceback, as the Functions host does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import azure.functions as func
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from devhost.index import HTTP_METHODS, HttpFunction
from devhost.invoke import call_async
from devhost.routes import sort_key

log = logging.getLogger("devhost.http")


class Router:
    """HTTP functions in ASP.NET Core precedence order."""

    def __init__(self, functions: Sequence[HttpFunction]) -> None:
        self.functions = sorted(functions, key=lambda f: (sort_key(f.template), f.target.name))

    def resolve(self, method: str, path: str) -> tuple[HttpFunction, dict[str, str]] | set[str]:
        """The function and route values, or the methods that would match the path."""
        allowed: set[str] = set()
        for fn in self.functions:
            values = fn.template.match(path)
            if values is None:
                continue
            if method in fn.methods:
                return fn, values
            allowed |= fn.methods
        return allowed


def _joined(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Repeated names are comma-joined, as ASP.NET hands them to the worker."""
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def to_response(result: Any) -> Response:
    """The worker's conversion (``azure.functions.http.HttpResponseConverter``): a
    ``text/*`` mimetype gets the charset, a plain string is a 200 ``text/plain``, and
    anything else is an error."""
    if isinstance(result, str):
        result = func.HttpResponse(result)
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"an HTTP function must return HttpResponse or str, not {type(result)}")
    headers = [(k, v) for k, v in result.headers.items() if k.lower() != "content-length"]
    if not any(k.lower() == "content-type" for k, _ in headers):
        mimetype = result.mimetype
        charset = f"; charset={result.charset}" if mimetype.startswith("text/") else ""
        headers.append(("content-type", mimetype + charset))
    body = result.get_body()
    response = Response(content=body, status_code=result.status_code)
    response.raw_headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers
    ] + [(b"content-length", str(len(body)).encode())]
    return response


def build_asgi(router: Router, cors: Sequence[str] = ()) -> Starlette:
    """``cors`` lists allowed origins (``local.settings.json`` ``Host.CORS``), as Core
    Tools applies them locally; empty means no CORS headers."""

    async def dispatch(request: Request) -> Response:
        method = request.method.upper()
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        found = router.resolve(method, raw_path.decode("latin-1"))
        if isinstance(found, set):
            if not found:
                return Response(status_code=404)
            return Response(status_code=405, headers={"allow": ", ".join(sorted(found))})
        fn, values = found
        req = func.HttpRequest(
            method=method,
            url=str(request.url),
            headers=_joined(list(request.headers.items())),
            params=_joined(list(request.query_params.multi_items())),
            route_params=values,
            body=await request.body(),
        )
        try:
            result = await call_async(fn.target, req)
        except Exception:
            log.exception("function %s raised", fn.target.name)
            return Response(status_code=500)
        try:
            return to_response(result)
        except (TypeError, ValueError):
            log.exception("function %s returned an unusable %s", fn.target.name, type(result))
            return Response(status_code=500)

    methods = [*HTTP_METHODS, "TRACE"]
    middleware = (
        [
            Middleware(
                CORSMiddleware, allow_origins=list(cors), allow_methods=["*"], allow_headers=["*"]
            )
        ]
        if cors
        else []
    )
    return Starlette(
        routes=[Route("/{path:path}", dispatch, methods=methods)], middleware=middleware
    )
