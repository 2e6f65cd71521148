"""Typed values and Spring-compatible names: what the hub accepts and how it refuses."""

from __future__ import annotations

import pytest

from shared.confighub.model import ValType
from shared.confighub.values import (
    validate_application,
    validate_label,
    validate_profile,
    validate_prop,
    validate_value,
)
from shared.errors import RuleViolation

ACCEPTED = [
    (ValType.STRING, ""),
    (ValType.STRING, "anything at all"),
    (ValType.INT, "42"),
    (ValType.INT, "-7"),
    (ValType.DECIMAL, "3.14"),
    (ValType.DECIMAL, "-1e3"),
    (ValType.BOOLEAN, "TRUE"),
    (ValType.BOOLEAN, "off"),
    (ValType.JSON, '{"a": [1, 2]}'),
    (ValType.JSON, "null"),
    (ValType.LIST, "a, b,c"),
    (ValType.LIST, "single"),
    (ValType.DURATION, "PT30S"),
    (ValType.DURATION, "P1DT2H"),
    (ValType.DURATION, "P1Y2M"),
    (ValType.URL, "https://shop.example.com/a?b=c"),
    (ValType.URL, "jdbc:mysql://db.internal:3306/app"),
]


@pytest.mark.parametrize(("val_type", "val"), ACCEPTED, ids=[f"{t.value}:{v}" for t, v in ACCEPTED])
def test_values_that_parse_as_their_type(val_type: ValType, val: str) -> None:
    validate_value("some.prop", val_type, val)


REFUSED = [
    (ValType.INT, "4.2", "expected an integer"),
    (ValType.INT, "", "expected an integer"),
    (ValType.DECIMAL, "abc", "expected a decimal number"),
    (ValType.DECIMAL, "NaN", "expected a finite decimal number"),
    (ValType.BOOLEAN, "maybe", "expected true or false"),
    (
        ValType.JSON,
        "{a",
        "malformed JSON (Expecting property name enclosed in double quotes:"
        " line 1 column 2 (char 1))",
    ),
    (ValType.LIST, "a,,b", "expected comma-separated non-empty items"),
    (ValType.DURATION, "30s", "expected an ISO 8601 duration such as PT30S or P1DT2H"),
    (ValType.DURATION, "P", "expected an ISO 8601 duration such as PT30S or P1DT2H"),
    (ValType.DURATION, "PT", "expected an ISO 8601 duration such as PT30S or P1DT2H"),
    (ValType.URL, "not a url", "expected an absolute URL"),
]


@pytest.mark.parametrize(
    ("val_type", "val", "why"), REFUSED, ids=[f"{t.value}:{v}" for t, v, _ in REFUSED]
)
def test_values_that_do_not_parse_name_property_and_type(
    val_type: ValType, val: str, why: str
) -> None:
    with pytest.raises(RuleViolation) as err:
        validate_value("shop.limit", val_type, val)
    assert err.value.code == "INVALID_VALUE"
    assert err.value.message == f"value of 'shop.limit' is not a valid {val_type.value}: {why}"
    assert err.value.details == {"prop": "shop.limit", "valType": val_type.value, "reason": why}


@pytest.mark.parametrize(
    ("prop", "ok"),
    [
        ("server.port", True),
        ("spring.datasource.hikari.maximum-pool-size", True),
        ("my_app.featureFlag", True),
        ("list[0].name", True),
        ("map[some.key]", True),
        ("a", True),
        ("", False),
        (".a", False),
        ("a..b", False),
        ("a.", False),
        ("a b", False),
        ("-a", False),
        ("a[]", False),
    ],
    ids=repr,
)
def test_property_names_in_relaxed_dotted_form(prop: str, ok: bool) -> None:
    if ok:
        validate_prop(prop)
    else:
        with pytest.raises(RuleViolation) as err:
            validate_prop(prop)
        assert err.value.code == "INVALID_PROPERTY"


@pytest.mark.parametrize(
    ("profile", "ok"),
    [
        ("dev", True),
        ("eu-west.prod", True),
        ("a+b@c", True),
        ("default", True),
        ("-dev", False),
        ("dev-", False),
        ("dev,prod", False),
        ("dev prod", False),
        ("", False),
        ("a..b", False),
    ],
    ids=repr,
)
def test_profiles_like_spring(profile: str, ok: bool) -> None:
    if ok:
        validate_profile(profile)
    else:
        with pytest.raises(RuleViolation) as err:
            validate_profile(profile)
        assert err.value.code == "INVALID_PROFILE"


@pytest.mark.parametrize(
    ("label", "ok"),
    [
        ("main", True),
        ("release", True),
        ("feature/x-1", True),
        ("v1.2.3", True),
        ("a..b", False),
        ("#x", False),
        ("/main", False),
        ("main,release", False),
        ("", False),
    ],
    ids=repr,
)
def test_labels_like_spring(label: str, ok: bool) -> None:
    if ok:
        validate_label(label)
    else:
        with pytest.raises(RuleViolation) as err:
            validate_label(label)
        assert err.value.code == "INVALID_LABEL"


@pytest.mark.parametrize(
    ("application", "code"),
    [("omni-product", None), ("ui", "INVALID_APPLICATION"), ("a,b", "INVALID_APPLICATION")],
    ids=["plain", "reserved", "comma"],
)
def test_applications(application: str, code: str | None) -> None:
    if code is None:
        validate_application(application)
    else:
        with pytest.raises(RuleViolation) as err:
            validate_application(application)
        assert err.value.code == code
