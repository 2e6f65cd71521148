"""HTTP route templates as the Functions host reads them (ASP.NET Core routing).

Supported: literal segments (case-insensitive), ``{name}``, optional ``{name?}``,
defaults ``{name=value}``, constraints ``{id:int}`` (chainable, with arguments such as
``{n:int:min(1)}``), catch-alls ``{*path}``/``{**path}``, and complex segments such as
``{file}.{ext}``. Precedence follows ASP.NET Core: per segment, literals beat complex
segments, which beat constrained parameters, then plain parameters, then catch-alls.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from shared.errors import ConfigurationError

_CONSTRAINT = re.compile(r"^(?P<name>[a-zA-Z]+)(?:\((?P<arg>.*)\))?$")

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


class RouteTemplateError(ConfigurationError):
    """A template the host would reject; the message names the template."""


def _integer(bounds: tuple[int, int]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        if not re.fullmatch(r"[+-]?\d+", value):
            return False
        return bounds[0] <= int(value) <= bounds[1]

    return check


def _number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", value) is not None


def _guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": _integer(INT32),
    "long": _integer(INT64),
    "decimal": _number,
    "double": _number,
    "float": _number,
    "bool": lambda v: v.lower() in ("true", "false"),
    "alpha": lambda v: re.fullmatch(r"[a-zA-Z]+", v) is not None,
    "guid": _guid,
    "datetime": _datetime,
}


def _constraint(spec: str, template: str) -> Callable[[str], bool]:
    m = _CONSTRAINT.match(spec)
    if m is None:
        raise RouteTemplateError(f"route {template!r}: bad constraint {spec!r}")
    kind, arg = m["name"].lower(), m["arg"]
    if arg is None and kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind == "regex" and arg is not None:
        pattern = re.compile(arg, re.IGNORECASE)
        return lambda v: pattern.search(v) is not None
    if arg is not None and kind in ("min", "max", "range", "minlength", "maxlength", "length"):
        try:
            nums = [int(a) for a in arg.split(",")]
        except ValueError:
            raise RouteTemplateError(f"route {template!r}: bad constraint {spec!r}") from None
        return _bounded(kind, nums, template, spec)
    raise RouteTemplateError(f"route {template!r}: unknown constraint {spec!r}")


def _bounded(kind: str, nums: list[int], template: str, spec: str) -> Callable[[str], bool]:
    is_int = _integer(INT64)
    if kind in ("min", "max", "range"):
        lo, hi = {"min": (nums[0], INT64[1]), "max": (INT64[0], nums[0])}.get(
            kind, (nums[0], nums[-1])
        )
        return lambda v: is_int(v) and lo <= int(v) <= hi
    if kind == "length" and len(nums) == 2:
        lo, hi = nums
    elif kind == "length":
        lo = hi = nums[0]
    else:
        lo, hi = (nums[0], 2**31) if kind == "minlength" else (0, nums[0])
    if len(nums) > 2:
        raise RouteTemplateError(f"route {template!r}: bad constraint {spec!r}")
    return lambda v: lo <= len(v) <= hi


@dataclass(frozen=True)
class Param:
    name: str
    optional: bool = False
    catch_all: bool = False
    default: str | None = None
    checks: tuple[Callable[[str], bool], ...] = ()


@dataclass(frozen=True)
class RouteTemplate:
    """A parsed template; ``match`` returns the route parameters or ``None``."""

    text: str
    regex: re.Pattern[str]
    params: tuple[Param, ...]
    precedence: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> RouteTemplate:
        return _compile(text)

    def match(self, path: str) -> dict[str, str] | None:
        """Match a decoded-on-demand path (no leading or trailing slash needed)."""
        m = self.regex.fullmatch(path.strip("/"))
        if m is None:
            return None
        values: dict[str, str] = {}
        for p in self.params:
            raw = m.group(p.name)
            if raw is None or raw == "":
                if p.default is not None:
                    values[p.name] = p.default
                elif not (p.optional or p.catch_all):
                    return None
                continue
            value = unquote(raw)
            if not all(check(value) for check in p.checks):
                return None
            values[p.name] = value
        return values


def _parse_param(inner: str, template: str, last_segment: bool) -> Param:
    catch_all = inner.startswith("*")
    inner = inner.lstrip("*")
    default: str | None = None
    if "=" in inner:
        inner, default = inner.split("=", 1)
    optional = inner.endswith("?")
    inner = inner.rstrip("?")
    name, *constraints = _split_constraints(inner)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise RouteTemplateError(f"route {template!r}: bad parameter name {name!r}")
    if catch_all and not last_segment:
        raise RouteTemplateError(f"route {template!r}: a catch-all must be the last segment")
    checks = tuple(_constraint(c, template) for c in constraints)
    return Param(name, optional, catch_all, default, checks)


def _split_constraints(inner: str) -> list[str]:
    """Split ``id:int:min(1)`` on colons that are outside parentheses."""
    parts, depth, current = [], 0, ""
    for ch in inner:
        depth += (ch == "(") - (ch == ")")
        if ch == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _tokens(segment: str, template: str) -> tuple[list[str], list[str]]:
    """Split a segment into literal parts and parameter parts (literals first, and
    alternating); ``{{`` and ``}}`` are escaped braces, as in ASP.NET Core."""
    literals, params, current, i = [], [], "", 0
    while i < len(segment):
        ch = segment[i]
        if ch in "{}" and segment[i : i + 2] == ch * 2:
            current += ch
            i += 2
        elif ch == "{":
            end, inner, i = None, "", i + 1
            while i < len(segment):
                if segment[i] in "{}" and segment[i : i + 2] == segment[i] * 2:
                    inner += segment[i]
                    i += 2
                elif segment[i] == "}":
                    end = i
                    break
                else:
                    inner += segment[i]
                    i += 1
            if end is None or not inner:
                raise RouteTemplateError(f"route {template!r}: unbalanced braces in {segment!r}")
            literals.append(current)
            params.append(inner)
            current, i = "", end + 1
        elif ch == "}":
            raise RouteTemplateError(f"route {template!r}: unbalanced braces in {segment!r}")
        else:
            current += ch
            i += 1
    literals.append(current)
    return literals, params


def _compile(text: str) -> RouteTemplate:
    segments = text.strip("/").split("/") if text.strip("/") else []
    pattern = ""
    params: list[Param] = []
    ranks: list[int] = []
    seen_optional = False
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if not segment:
            raise RouteTemplateError(f"route {text!r}: empty segment")
        literal_parts, param_parts = _tokens(segment, text)
        sep = "/" if pattern or index else ""
        if not param_parts:
            if seen_optional:
                raise RouteTemplateError(f"route {text!r}: optional parameter not at the end")
            pattern += re.escape(sep) + re.escape(literal_parts[0])
            ranks.append(1)
            continue
        if len(param_parts) == 1 and not literal_parts[0] and not literal_parts[1]:
            p = _parse_param(param_parts[0], text, last)
            params.append(p)
            body = ".*" if p.catch_all else "[^/]+"
            if p.optional or p.catch_all or p.default is not None:
                seen_optional = True
                pattern += f"(?:{re.escape(sep)}(?P<{p.name}>{body}))?"
            elif seen_optional:
                raise RouteTemplateError(f"route {text!r}: optional parameter not at the end")
            else:
                pattern += f"{re.escape(sep)}(?P<{p.name}>{body})"
            ranks.append(5 if p.catch_all else 3 if p.checks else 4)
            continue
        piece = ""
        for i, literal in enumerate(literal_parts):
            piece += re.escape(literal)
            if i < len(param_parts):
                p = _parse_param(param_parts[i], text, False)
                if p.optional and i != len(param_parts) - 1:
                    raise RouteTemplateError(f"route {text!r}: bad optional in {segment!r}")
                params.append(p)
                piece += f"(?P<{p.name}>[^/]+?)" + ("?" if p.optional else "")
        pattern += re.escape(sep) + piece
        ranks.append(2)
    names = [p.name.lower() for p in params]
    if len(set(names)) != len(names):
        raise RouteTemplateError(f"route {text!r}: a parameter name is repeated")
    return RouteTemplate(
        text=text,
        regex=re.compile(pattern, re.IGNORECASE),
        params=tuple(params),
        precedence=tuple(ranks),
    )


def sort_key(template: RouteTemplate) -> tuple[tuple[int, ...], str]:
    """ASP.NET Core inbound precedence, then the template text for a stable order."""
    return (template.precedence, template.text.lower())


def join_prefix(prefix: str, route: str) -> str:
    prefix = prefix.strip("/")
    route = route.strip("/")
    return "/".join(p for p in (prefix, route) if p)
