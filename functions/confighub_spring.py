"""The Spring Cloud Config server API under /api/confighub, and the storefront's UI config.

One catch-all function owns every path below ``confighub/``: Spring tells
``{application}/{profile}`` from ``{label}/{application}-{profile}.json`` by the file
extension, which route templates cannot express, so ``shared.confighub.paths`` decides
in one place and nothing can shadow anything. ``ui/{application}`` is anonymous; the
Spring endpoints want a ConfigHub.Reader bearer token. An environment's ETag is its
content hash, so ``If-None-Match`` with it (weak or strong) answers 304.
"""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, QueryModel, Reply, authenticate, endpoint
from shared import bootstrap
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
    content_hash = env.version or ""  # always set here; Spring's Environment allows none
    headers = {"Cache-Control": "no-cache"}
    if call.none_match(content_hash):
        return Reply(304, None, headers, etag=content_hash)
    if isinstance(target, EnvironmentPath):
        return Reply(200, env, headers, etag=content_hash)
    body, content_type = render_environment(
        env, target.ext, resolve=call.query.resolve_placeholders
    )
    return Reply(200, body.encode(), headers, content_type=content_type, etag=content_hash)
