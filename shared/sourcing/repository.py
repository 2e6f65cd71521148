"""Carrier services and sourcing rules, over the DocumentStore port only.

Both containers are partitioned by ``/enterpriseCode``: a calculation reads one partition
of each. A GET by id alone searches across partitions and asks for the enterprise code
when the id is ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.errors import Conflict, NotFound
from shared.ports import ContainerSpec, Document, DocumentContainer, DocumentStore, Filter, Query
from shared.sourcing.model import CarrierService, SourcingRule

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ContainerNames:
    carrier_services: str = "carrier_services"
    sourcing_rules: str = "sourcing_rules"


def _model(cls: type[M], doc: Document) -> M:
    """Store metadata is dropped except the etag, which callers need for If-Match."""
    kept = {k: v for k, v in doc.items() if not k.startswith("_") or k == "_etag"}
    return cls.model_validate(kept)


def _document(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude={"etag"})


class SourcingRepository:
    def __init__(self, store: DocumentStore, names: ContainerNames) -> None:
        self._store = store
        self._names = names

    @property
    def carrier_services(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.carrier_services, "/enterpriseCode"))

    @property
    def sourcing_rules(self) -> DocumentContainer:
        return self._store.container(ContainerSpec(self._names.sourcing_rules, "/enterpriseCode"))

    def list_carrier_services(self, enterprise_code: str) -> list[CarrierService]:
        docs = self.carrier_services.query(
            Query(order_by=(("id", False),)), partition_key=enterprise_code
        )
        return [_model(CarrierService, d) for d in docs]

    def list_rules(self, enterprise_code: str) -> list[SourcingRule]:
        docs = self.sourcing_rules.query(
            Query(order_by=(("id", False),)), partition_key=enterprise_code
        )
        return [_model(SourcingRule, d) for d in docs]

    def get_carrier_service(self, id: str, enterprise_code: str | None) -> CarrierService:
        return _model(
            CarrierService,
            self._find(self.carrier_services, "carrier service", id, enterprise_code),
        )

    def get_rule(self, id: str, enterprise_code: str | None) -> SourcingRule:
        return _model(
            SourcingRule, self._find(self.sourcing_rules, "sourcing rule", id, enterprise_code)
        )

    def put_carrier_service(self, service: CarrierService, if_match: str | None) -> CarrierService:
        return _model(
            CarrierService, self._put(self.carrier_services, _document(service), if_match)
        )

    def put_rule(self, rule: SourcingRule, if_match: str | None) -> SourcingRule:
        return _model(SourcingRule, self._put(self.sourcing_rules, _document(rule), if_match))

    @staticmethod
    def _put(container: DocumentContainer, doc: Document, if_match: str | None) -> Document:
        """With If-Match the write happens only over that version (412 otherwise)."""
        if if_match is None:
            return container.upsert(doc)
        return container.replace(doc, if_match=if_match)

    @staticmethod
    def _find(
        container: DocumentContainer, what: str, id: str, enterprise_code: str | None
    ) -> Document:
        if enterprise_code is not None:
            try:
                return container.read(id, enterprise_code)
            except NotFound:
                raise NotFound(
                    f"{what} {id!r} does not exist for enterprise {enterprise_code!r}"
                ) from None
        found = container.query(Query(filters=(Filter("id", "=", id),), limit=2))
        if not found:
            raise NotFound(f"{what} {id!r} does not exist")
        if len(found) > 1:
            raise Conflict(
                f"{what} {id!r} exists for several enterprises; pass enterpriseCode",
                code="AMBIGUOUS_ID",
            )
        return found[0]
