"""Sourcing's stored documents: the wire models plus a version, and their stored names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.ports import ContainerSpec
from shared.sourcing.demo import demo_carrier_services, demo_rules
from shared.sourcing.stored import (
    ENTERPRISE_KEY,
    CarrierServiceDocument,
    SourcingRuleDocument,
    carrier_services_container,
    sourcing_rules_container,
)
from shared.stored import paths

GROUND = demo_carrier_services("BEAUTY_US")[0]
HOME = demo_rules("BEAUTY_US")[0]
KINDS = [
    pytest.param(CarrierServiceDocument, GROUND, id="carrier-service"),
    pytest.param(SourcingRuleDocument, HOME, id="sourcing-rule"),
]


@pytest.mark.parametrize(("document", "value"), KINDS)
def test_a_document_is_the_wire_shape_plus_its_version(document: Any, value: BaseModel) -> None:
    stored = document.of(value, 4).to_document()
    assert stored == {**value.model_dump(mode="json", by_alias=True), "version": 4}


@pytest.mark.parametrize(("document", "value"), KINDS)
def test_the_view_drops_the_version_and_fields_it_does_not_know(
    document: Any, value: BaseModel
) -> None:
    newer = {**value.model_dump(mode="json", by_alias=True), "version": 2, "laterField": 1}
    view = document.model_validate(newer).view()
    assert (type(view), view) == (type(value), value)
    assert view.model_dump(mode="json", by_alias=True) == value.model_dump(
        mode="json", by_alias=True
    )


@pytest.mark.parametrize(("document", "value"), KINDS)
def test_a_document_without_a_version_reads_as_version_1(document: Any, value: BaseModel) -> None:
    assert document.model_validate(value.model_dump(mode="json", by_alias=True)).version == 1


def test_a_stored_document_passes_the_wire_models_validators() -> None:
    broken = {**GROUND.model_dump(mode="json", by_alias=True), "transitDays": -1}
    with pytest.raises(ValidationError) as info:
        CarrierServiceDocument.model_validate(broken)
    assert [e["loc"] for e in info.value.errors()] == [("transitDays",)]


@pytest.mark.parametrize(
    ("container", "document"),
    [
        pytest.param(carrier_services_container, CarrierServiceDocument, id="carrier-services"),
        pytest.param(sourcing_rules_container, SourcingRuleDocument, id="sourcing-rules"),
    ],
)
def test_containers_are_partitioned_by_the_stored_enterprise_code(
    container: Callable[[str], ContainerSpec], document: type[BaseModel]
) -> None:
    spec = container("named")
    assert (spec.name, spec.partition_key_path) == ("named", "/enterpriseCode")
    assert f"/{paths(document).enterprise_code}" == ENTERPRISE_KEY
