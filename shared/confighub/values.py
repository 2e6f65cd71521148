"""Typed values and Spring-compatible names, checked before anything is written.

Spring clients bind these strings to typed fields at start-up; a value that does not
parse there takes a whole service down, so the hub refuses it at the door (422) and
names the property and the type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from pydantic import AnyUrl, TypeAdapter, ValidationError

from shared.confighub.model import ValType
from shared.errors import RuleViolation

_INT = re.compile(r"[+-]?\d+")
_DURATION = re.compile(
    r"-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
)
_BOOLEANS = frozenset({"true", "false", "on", "off", "yes", "no", "1", "0"})


@cache
def _url() -> TypeAdapter[AnyUrl]:
    """Built on first use: a validator costs milliseconds of cold start at import."""
    return TypeAdapter(AnyUrl)


@cache
def _timedelta() -> TypeAdapter[timedelta]:
    return TypeAdapter(timedelta)


# Spring's relaxed dotted form: dot-separated elements of letters, digits, '-' and '_',
# each optionally followed by [index] or [map key] parts (``a.b-c[0].d_e``).
_ELEMENT = r"[A-Za-z0-9][A-Za-z0-9_-]*(\[[^\[\]]+\])*"
_PROPERTY = re.compile(rf"{_ELEMENT}(\.{_ELEMENT})*")
# Spring's PathUtils: letters, digits and -_.+@, starting and ending with letter or digit.
_PROFILE = re.compile(r"[^\W_]([\w.+@-]*[^\W_])?")
_LABEL = re.compile(r"[^\W_]([\w.+@/-]*[^\W_])?")
RESERVED_APPLICATIONS = frozenset({"ui"})


def _fail(prop: str, val_type: ValType, why: str) -> RuleViolation:
    return RuleViolation(
        f"value of {prop!r} is not a valid {val_type.value}: {why}",
        code="INVALID_VALUE",
        details={"prop": prop, "valType": val_type.value, "reason": why},
    )


def _check_int(val: str) -> str | None:
    return None if _INT.fullmatch(val.strip()) else "expected an integer"


def _check_decimal(val: str) -> str | None:
    try:
        number = Decimal(val.strip())
    except InvalidOperation:
        return "expected a decimal number"
    return None if number.is_finite() else "expected a finite decimal number"


def _check_boolean(val: str) -> str | None:
    return None if val.strip().lower() in _BOOLEANS else "expected true or false"


def _check_json(val: str) -> str | None:
    try:
        json.loads(val)
    except ValueError as exc:
        return f"malformed JSON ({exc})"
    return None


def _check_list(val: str) -> str | None:
    items = [item.strip() for item in val.split(",")]
    return None if all(items) else "expected comma-separated non-empty items"


def _check_duration(val: str) -> str | None:
    text = val.strip()
    if not _DURATION.fullmatch(text):
        return "expected an ISO 8601 duration such as PT30S or P1DT2H"
    if "Y" in text or "M" in text.split("T")[0]:
        return None
    try:
        _timedelta().validate_python(text)
    except ValidationError:
        return "expected an ISO 8601 duration such as PT30S or P1DT2H"
    return None


def _check_url(val: str) -> str | None:
    text = val.strip()
    try:
        url = _url().validate_python(text.removeprefix("jdbc:"))
    except ValidationError:
        return "expected an absolute URL"
    return None if url.host or url.scheme == "file" else "expected an absolute URL with a host"


_CHECKS: dict[ValType, Callable[[str], str | None]] = {
    ValType.STRING: lambda _val: None,
    ValType.INT: _check_int,
    ValType.DECIMAL: _check_decimal,
    ValType.BOOLEAN: _check_boolean,
    ValType.JSON: _check_json,
    ValType.LIST: _check_list,
    ValType.DURATION: _check_duration,
    ValType.URL: _check_url,
}


def validate_value(prop: str, val_type: ValType, val: str) -> None:
    why = _CHECKS[val_type](val)
    if why is not None:
        raise _fail(prop, val_type, why)


def _invalid(kind: str, value: str, rule: str) -> RuleViolation:
    return RuleViolation(
        f"invalid {kind} {value!r}: {rule}",
        code=f"INVALID_{kind.upper()}",
        details={kind: value, "rule": rule},
    )


def validate_prop(prop: str) -> None:
    if not _PROPERTY.fullmatch(prop):
        raise _invalid(
            "property",
            prop,
            "dot-separated elements of letters, digits, '-' and '_' with optional [index]",
        )


def validate_profile(profile: str) -> None:
    if not _PROFILE.fullmatch(profile) or ".." in profile:
        raise _invalid(
            "profile", profile, "letters, digits and -_.+@, starting and ending with a letter/digit"
        )


def validate_label(label: str) -> None:
    if not _LABEL.fullmatch(label) or ".." in label or "//" in label:
        raise _invalid(
            "label", label, "letters, digits and -_.+@/, starting and ending with a letter/digit"
        )


def validate_application(application: str) -> None:
    if not _PROFILE.fullmatch(application) or ".." in application:
        raise _invalid(
            "application",
            application,
            "letters, digits and -_.+@, starting and ending with a letter/digit",
        )
    if application in RESERVED_APPLICATIONS:
        raise _invalid("application", application, "the name is reserved by the hub's routes")


def validate_key(application: str, profile: str | None, label: str, prop: str) -> None:
    validate_application(application)
    if profile is not None:
        validate_profile(profile)
    validate_label(label)
    validate_prop(prop)
