"""The sourcing calculator (anonymous: shoppers see it on product and cart pages) and the
carrier services and rules it reads (``Sourcing.Admin``, reads included: they are the
retailer's carrier contracts and network policy, not storefront content). A carrier
service's or rule's ETag is its version; a PUT with ``If-Match`` writes only over it."""

from __future__ import annotations

import azure.functions as func
from pydantic import Field

from functions._http import Call, QueryModel, Reply, endpoint
from shared import bootstrap
from shared.security import SOURCING_ADMIN
from shared.sourcing.model import ID_PATTERN, CarrierService, SourcingRequest, SourcingRule
from shared.sourcing.service import SourcingService
from shared.wire import RequestModel

bp = func.Blueprint()


class IdRoute(RequestModel):
    id: str = Field(pattern=ID_PATTERN)


class EnterpriseQuery(QueryModel):
    enterprise_code: str | None = Field(None, min_length=1, max_length=64)


def service() -> SourcingService:
    return bootstrap.registry().sourcing()


@bp.route(route="sourcing/options", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint(body=SourcingRequest)
def calculate_sourcing_options(call: Call[SourcingRequest, None, None]) -> Reply:
    return Reply(200, service().calculate_options(call.body))


@bp.route(route="carrier-services/{id}", methods=["GET"])
@endpoint(route=IdRoute, query=EnterpriseQuery, roles=[SOURCING_ADMIN])
def get_carrier_service(call: Call[None, EnterpriseQuery, IdRoute]) -> Reply:
    found = service().get_carrier_service(call.route.id, call.query.enterprise_code)
    return Reply(200, found.value, etag=found.version)


@bp.route(route="carrier-services/{id}", methods=["PUT"])
@endpoint(body=CarrierService, route=IdRoute, roles=[SOURCING_ADMIN])
def put_carrier_service(call: Call[CarrierService, None, IdRoute]) -> Reply:
    stored = service().put_carrier_service(call.route.id, call.body, call.if_match())
    return Reply(200, stored.value, etag=stored.version)


@bp.route(route="sourcing-rules/{id}", methods=["GET"])
@endpoint(route=IdRoute, query=EnterpriseQuery, roles=[SOURCING_ADMIN])
def get_sourcing_rule(call: Call[None, EnterpriseQuery, IdRoute]) -> Reply:
    found = service().get_sourcing_rule(call.route.id, call.query.enterprise_code)
    return Reply(200, found.value, etag=found.version)


@bp.route(route="sourcing-rules/{id}", methods=["PUT"])
@endpoint(body=SourcingRule, route=IdRoute, roles=[SOURCING_ADMIN])
def put_sourcing_rule(call: Call[SourcingRule, None, IdRoute]) -> Reply:
    stored = service().put_sourcing_rule(call.route.id, call.body, call.if_match())
    return Reply(200, stored.value, etag=stored.version)
