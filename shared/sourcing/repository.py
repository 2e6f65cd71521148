"""Carrier services and sourcing rules, over the DocumentStore port only.

Reads and writes go through ``Documents`` of the stored models (``stored``), so no
stored field name is spelled here, and callers get wire models with their versions,
never a container. A GET by id alone searches across enterprises and asks for the
enterprise code when the id is ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from shared.errors import Conflict, NotFound, Unavailable
from shared.ports import DocumentStore
from shared.preconditions import IfMatch, check_if_match
from shared.sourcing.model import CarrierService, SourcingRule, Versioned
from shared.sourcing.stored import (
    IN_ID_ORDER,
    CarrierServiceDocument,
    SourcingRuleDocument,
    carrier_services_container,
    sourcing_rules_container,
    with_id,
)
from shared.stored import Documents, Stored

D = TypeVar("D", CarrierServiceDocument, SourcingRuleDocument)
MAX_RACE_RETRIES = 5


@dataclass(frozen=True)
class ContainerNames:
    carrier_services: str
    sourcing_rules: str


class SourcingRepository:
    def __init__(self, store: DocumentStore, names: ContainerNames) -> None:
        self._store = store
        self._names = names

    @cached_property
    def _services(self) -> Documents[CarrierServiceDocument]:
        spec = carrier_services_container(self._names.carrier_services)
        return Documents(self._store.container(spec), CarrierServiceDocument)

    @cached_property
    def _rules(self) -> Documents[SourcingRuleDocument]:
        spec = sourcing_rules_container(self._names.sourcing_rules)
        return Documents(self._store.container(spec), SourcingRuleDocument)

    def list_carrier_services(self, enterprise_code: str) -> list[CarrierService]:
        found = self._services.query(IN_ID_ORDER, partition_key=enterprise_code)
        return [stored.model.view() for stored in found]

    def list_rules(self, enterprise_code: str) -> list[SourcingRule]:
        found = self._rules.query(IN_ID_ORDER, partition_key=enterprise_code)
        return [stored.model.view() for stored in found]

    def get_carrier_service(
        self, id: str, enterprise_code: str | None
    ) -> Versioned[CarrierService]:
        found = _find(self._services, "carrier service", id, enterprise_code).model
        return Versioned(found.view(), found.version)

    def get_rule(self, id: str, enterprise_code: str | None) -> Versioned[SourcingRule]:
        found = _find(self._rules, "sourcing rule", id, enterprise_code).model
        return Versioned(found.view(), found.version)

    def put_carrier_service(
        self, service: CarrierService, if_match: IfMatch | None
    ) -> Versioned[CarrierService]:
        written = _put(
            self._services,
            CarrierServiceDocument.of(service),
            f"carrier service {service.id!r}",
            if_match,
        )
        return Versioned(written.view(), written.version)

    def put_rule(self, rule: SourcingRule, if_match: IfMatch | None) -> Versioned[SourcingRule]:
        written = _put(
            self._rules, SourcingRuleDocument.of(rule), f"sourcing rule {rule.id!r}", if_match
        )
        return Versioned(written.view(), written.version)


def _put(docs: Documents[D], document: D, what: str, if_match: IfMatch | None) -> D:
    """Create or replace, one version up. ``if_match`` is checked against the version
    read; the write is then conditional on that read (a create fails over an existing
    document, a replace over a changed etag), and a write that lost a race starts over,
    so two PUTs never both write the same next version."""
    for _ in range(MAX_RACE_RETRIES):
        current = docs.get(document.id, document.enterprise_code)
        check_if_match(if_match, current.model.version if current else None, what)
        written = _write(docs, document, current)
        if written is not None:
            return written.model
    raise Unavailable(f"{what} is too contended; retry", code="CONTENDED")


def _write(docs: Documents[D], document: D, current: Stored[D] | None) -> Stored[D] | None:
    """The write over ``current`` (nothing: a create), or ``None`` if it lost a race."""
    if current is not None:
        next_version = document.with_changes(version=current.model.version + 1)
        return docs.try_replace(next_version, if_match=current.etag)
    try:
        return docs.create(document)
    except Conflict:
        return None


def _find(docs: Documents[D], what: str, id: str, enterprise_code: str | None) -> Stored[D]:
    if enterprise_code is not None:
        found = docs.get(id, enterprise_code)
        if found is None:
            raise NotFound(f"{what} {id!r} does not exist for enterprise {enterprise_code!r}")
        return found
    matches = docs.query(with_id(id))
    if not matches:
        raise NotFound(f"{what} {id!r} does not exist")
    if len(matches) > 1:
        raise Conflict(
            f"{what} {id!r} exists for several enterprises; pass enterpriseCode",
            code="AMBIGUOUS_ID",
        )
    return matches[0]
