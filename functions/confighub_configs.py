"""ConfigHub property CRUD, history and rollback: thin triggers over the service.

A config's ETag is its version; PUT and DELETE need ``If-Match`` (428 without it, so no
write goes over a version its caller never saw), rollback takes it when sent."""

from __future__ import annotations

from typing import Any

import azure.functions as func
from pydantic import Field

from functions._http import Call, QueryModel, Reply, endpoint
from shared import bootstrap
from shared.confighub.model import MAX_PAGE, Actor, ConfigChange, ConfigDraft, RollbackRequest
from shared.confighub.service import ConfigHubService
from shared.security import CONFIGHUB_ADMIN, CONFIGHUB_READER
from shared.wire import RequestModel

bp = func.Blueprint()
READERS = [CONFIGHUB_READER, CONFIGHUB_ADMIN]
ADMINS = [CONFIGHUB_ADMIN]


class ConfigRoute(RequestModel):
    config_id: int


class ListQuery(QueryModel):
    application: str | None = None
    profile: str | None = None
    label: str | None = None
    group_id: int | None = None
    prop: str | None = None
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    continuation_token: str | None = None


class DryRunQuery(QueryModel):
    dry_run: bool = False


def service() -> ConfigHubService:
    return bootstrap.registry().confighub()


def actor(call: Call[Any, Any, Any]) -> Actor:
    return Actor(subject=call.caller, request_id=call.request_id)


@bp.route(route="configs", methods=["GET"])
@endpoint(query=ListQuery, roles=READERS)
def list_configs(call: Call[None, ListQuery, None]) -> Reply:
    q = call.query
    filters = q.model_dump(
        include={"application", "profile", "label", "group_id", "prop"}, exclude_none=True
    )
    return Reply(200, service().list_configs(filters, q.limit, q.continuation_token))


@bp.route(route="configs", methods=["POST"])
@endpoint(body=ConfigDraft, query=DryRunQuery, roles=ADMINS)
def create_config(call: Call[ConfigDraft, DryRunQuery, None]) -> Reply:
    dry_run = call.query.dry_run
    config = service().create_config(call.body, actor(call), dry_run=dry_run)
    if dry_run:
        return Reply(200, config)
    return Reply(201, config, etag=config.version)


@bp.route(route="configs/{configId}", methods=["GET"])
@endpoint(route=ConfigRoute, roles=READERS)
def get_config(call: Call[None, None, ConfigRoute]) -> Reply:
    config = service().get_config(call.route.config_id)
    return Reply(200, config, etag=config.version)


@bp.route(route="configs/{configId}", methods=["PUT"])
@endpoint(body=ConfigChange, query=DryRunQuery, route=ConfigRoute, roles=ADMINS)
def update_config(call: Call[ConfigChange, DryRunQuery, ConfigRoute]) -> Reply:
    config = service().update_config(
        call.route.config_id,
        call.body,
        actor(call),
        if_match=call.if_match(required=True),
        dry_run=call.query.dry_run,
    )
    return Reply(200, config, etag=None if call.query.dry_run else config.version)


@bp.route(route="configs/{configId}", methods=["DELETE"])
@endpoint(route=ConfigRoute, roles=ADMINS)
def delete_config(call: Call[None, None, ConfigRoute]) -> Reply:
    service().delete_config(
        call.route.config_id, actor(call), if_match=call.if_match(required=True)
    )
    return Reply(204)


@bp.route(route="configs/{configId}/audit", methods=["GET"])
@endpoint(route=ConfigRoute, roles=READERS)
def list_config_audit(call: Call[None, None, ConfigRoute]) -> Reply:
    return Reply(200, {"items": service().list_audit(call.route.config_id)})


@bp.route(route="configs/{configId}/rollback", methods=["POST"])
@endpoint(body=RollbackRequest, route=ConfigRoute, roles=ADMINS)
def rollback_config(call: Call[RollbackRequest, None, ConfigRoute]) -> Reply:
    config = service().rollback_config(
        call.route.config_id, call.body, actor(call), if_match=call.if_match()
    )
    return Reply(200, config, etag=config.version)
