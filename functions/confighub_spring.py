"""The Spring Cloud Config server API under /api/confighub, and the storefront's UI config.

One catch-all function owns every path below ``confighub/``: Spring tells
``{application}/{profile}`` from ``{label}/{application}-{profile}.json`` by the file
extension, which route templates cannot express, so ``shared.confighub.paths`` decides
in one place and nothing can shadow anything. ``ui/{application}`` is anonymous; the
Spring endpoints want a ConfigHub.Reader bearer token.
"""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, QueryModel, Reply, authenticate, endpoint
from shared import bootstrap
from shared.confighub.model import Environment
from shared.confighub.service import (
    ConfigHubService,
    EnvironmentPath,
    UiPath,
    parse_spring_path,
    render_environment,
)
from shared.security import CONFIGHUB_ADMIN, CONFIGHUB_READER, require_any_role

bp = func.Blueprint()
READERS = (CONFIGHUB_READER, CONFIGHUB_ADMIN)


class SpringQuery(QueryModel):
    """Spring clients may add parameters of their own; only these mean anything here."""

    model_config = {**QueryModel.model_config, "extra": "ignore"}

    resolve_placeholders: bool = True
    profile: str | None = None
    label: str | None = None


def service() -> ConfigHubService:
    return bootstrap.registry().confighub()


def _etag(env: Environment) -> str:
    return f'"{env.version}"'


def _not_modified(call: Call[None, SpringQuery, None], etag: str) -> bool:
    header = call.header("If-None-Match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


@bp.route(route="confighub/{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(query=SpringQuery)
def confighub_spring(call: Call[None, SpringQuery, None]) -> Reply:
    target = parse_spring_path(call.request.route_params.get("path", ""))
    if isinstance(target, UiPath):
        return Reply(
            200, service().get_ui_config(target.application, call.query.profile, call.query.label)
        )
    require_any_role(authenticate(call.request), READERS)
    env = service().get_environment(target.application, target.profiles, target.label)
    etag = _etag(env)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _not_modified(call, etag):
        return Reply(304, None, headers)
    if isinstance(target, EnvironmentPath):
        return Reply(200, env, headers)
    body, content_type = render_environment(
        env, target.ext, resolve=call.query.resolve_placeholders
    )
    return Reply(200, body.encode(), headers, content_type=content_type)
