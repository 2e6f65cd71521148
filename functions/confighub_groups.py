"""ConfigHub groups: list, create, read, rename, delete (409 while still in use)."""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, Reply, endpoint
from shared import bootstrap
from shared.confighub.model import GroupDraft
from shared.confighub.service import GroupService
from shared.security import CONFIGHUB_ADMIN, CONFIGHUB_READER
from shared.wire import RequestModel

bp = func.Blueprint()
READERS = [CONFIGHUB_READER, CONFIGHUB_ADMIN]
ADMINS = [CONFIGHUB_ADMIN]


class GroupRoute(RequestModel):
    group_id: int


def groups() -> GroupService:
    return bootstrap.registry().confighub().groups


@bp.route(route="config-groups", methods=["GET"])
@endpoint(roles=READERS)
def list_config_groups(call: Call[None, None, None]) -> Reply:
    return Reply(200, {"items": groups().list_groups()})


@bp.route(route="config-groups", methods=["POST"])
@endpoint(body=GroupDraft, roles=ADMINS)
def create_config_group(call: Call[GroupDraft, None, None]) -> Reply:
    return Reply(201, groups().create_group(call.body))


@bp.route(route="config-groups/{groupId}", methods=["GET"])
@endpoint(route=GroupRoute, roles=READERS)
def get_config_group(call: Call[None, None, GroupRoute]) -> Reply:
    return Reply(200, groups().get_group(call.route.group_id))


@bp.route(route="config-groups/{groupId}", methods=["PUT"])
@endpoint(body=GroupDraft, route=GroupRoute, roles=ADMINS)
def rename_config_group(call: Call[GroupDraft, None, GroupRoute]) -> Reply:
    return Reply(200, groups().rename_group(call.route.group_id, call.body))


@bp.route(route="config-groups/{groupId}", methods=["DELETE"])
@endpoint(route=GroupRoute, roles=ADMINS)
def delete_config_group(call: Call[None, None, GroupRoute]) -> Reply:
    groups().delete_group(call.route.group_id)
    return Reply(204)
