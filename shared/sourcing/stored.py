"""Sourcing's stored documents: the only module that spells their field names.

A carrier service or rule is stored as its wire shape (what a PUT takes) plus
``version``, 1 when created and one more on every write: the version is what the ETag
rule compares (``functions/_http.py``); the store's own etag only guards the replace
(``Stored.etag``). Each document class extends its wire model, so a stored document
passes the validators a PUT body passes, and keeps fields it does not declare
(``StoredModel``): a document written by a newer app survives a write by an older one.

Both containers are partitioned by the enterprise code, so a calculation reads one
partition of each. Node capacity usage lives in its own container, partitioned by node.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, Self, TypeVar

from pydantic import ConfigDict, Field

from shared.ports import ContainerSpec, Filter, Query
from shared.sourcing.model import CarrierService, SourcingRule
from shared.stored import StoredModel, paths

V = TypeVar("V", CarrierService, SourcingRule)


def _view(document: StoredModel, model: type[V]) -> V:
    """The wire model of ``document``'s own fields. Its nested models are taken as they
    are (pydantic does not validate an instance again), so this costs a few microseconds
    on the calculator's path, less than ``model_construct``."""
    return model.model_validate({name: getattr(document, name) for name in model.model_fields})


class CarrierServiceDocument(CarrierService, StoredModel):
    model_config = ConfigDict(extra="allow")

    version: int = Field(1, ge=1)
    """A document stored before versions existed reads as version 1."""

    @classmethod
    def of(cls, service: CarrierService, version: int = 1) -> Self:
        return cls.model_validate({**dict(service), "version": version})

    def view(self) -> CarrierService:
        return _view(self, CarrierService)


class SourcingRuleDocument(SourcingRule, StoredModel):
    model_config = ConfigDict(extra="allow")

    version: int = Field(1, ge=1)
    """A document stored before versions existed reads as version 1."""

    @classmethod
    def of(cls, rule: SourcingRule, version: int = 1) -> Self:
        return cls.model_validate({**dict(rule), "version": version})

    def view(self) -> SourcingRule:
        return _view(self, SourcingRule)


_ID = paths(StoredModel).id
IN_ID_ORDER = Query(order_by=((_ID, False),))
ENTERPRISE_KEY = "/enterpriseCode"
"""Both containers' partition key path, ``enterprise_code``'s stored name: spelled out
so that the deployment check (``tests/infra``) reads it without importing the app."""


def carrier_services_container(carrier_services: str) -> ContainerSpec:
    return ContainerSpec(carrier_services, ENTERPRISE_KEY)


def sourcing_rules_container(sourcing_rules: str) -> ContainerSpec:
    return ContainerSpec(sourcing_rules, ENTERPRISE_KEY)


def with_id(id: str) -> Query:
    """Documents of this id in any enterprise; two are enough to call the id ambiguous."""
    return Query(filters=(Filter(_ID, "=", id),), limit=2)


# --- node capacity ---------------------------------------------------------------------
class StoredUsage(StoredModel):
    """Orders a node ships on one of its local days (id ``{shipNode}@{date}``), in all
    and per level of service: what its daily capacity is compared with.

    ``counted`` names every order counted (its reference and the level it counted at,
    ``ANY_LEVEL`` for none): one conditional patch raises the counts and records the
    order together, so a replayed event counts once and a crash cannot count half."""

    DOC_TYPE: ClassVar[str | None] = "usage"

    doc_type: Literal["usage"] = "usage"
    ship_node: str
    day: date
    orders: int = 0
    by_level: dict[str, int] = Field(default_factory=dict)
    counted: dict[str, str] = Field(default_factory=dict)


ANY_LEVEL = "*"
"""``StoredUsage.counted``'s level of an order counted at no level of service."""


USAGE = paths(StoredUsage)
CAPACITY_KEY = "/shipNode"
"""The capacity container's partition key path, ``ship_node``'s stored name."""


def capacity_container(node_capacity: str) -> ContainerSpec:
    return ContainerSpec(node_capacity, CAPACITY_KEY)


def usage_between(first: date, last: date) -> Query:
    """Usage counters of every node for the local days ``first`` to ``last``."""
    return Query(
        filters=(
            Filter(USAGE.day, ">=", first.isoformat()),
            Filter(USAGE.day, "<=", last.isoformat()),
        )
    )
