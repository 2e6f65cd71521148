"""Reads the Bicep templates as data, so tests can compare them with the code.

pycep-parser turns each file into JSON; ``Template`` evaluates the small subset of Bicep
expressions the templates use (literals, variables, parameters passed by the caller,
``for`` loops over literal lists, ``concat``/``union``/``string``/``take``, string
interpolation, module outputs and resource names). What cannot be known before a
deployment (a resource's endpoint, an identity's client ID) evaluates to ``Unknown``,
which names the expression, so tests can still assert *where* a value comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser
from pycep.transformer import BicepElement

INTERPOLATION = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Unknown:
    """A value only a deployment knows; ``expr`` is the Bicep expression it comes from."""

    expr: str

    def __str__(self) -> str:
        return "{" + self.expr + "}"


@cache
def _parser() -> BicepParser:
    return BicepParser()


def parse(path: Path) -> dict[str, Any]:
    """The pycep JSON of one file; raises on a file pycep cannot read."""
    return dict(_parser().parse(file_path=path))


@dataclass(frozen=True)
class ResourceInstance:
    """One (possibly looped) resource declaration evaluated for one loop item."""

    symbol: str
    type: str
    config: Mapping[str, Any]
    scope: Scope


@dataclass
class Scope:
    """Where names resolve: one file, the parameters its caller passed, loop variables."""

    template: Template
    path: Path
    caller_params: Mapping[str, Any] = field(default_factory=dict)
    caller: Scope | None = None
    loop_vars: Mapping[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> dict[str, Any]:
        return self.template.file(self.path)

    def with_loop(self, name: str, value: Any) -> Scope:
        return Scope(
            self.template,
            self.path,
            self.caller_params,
            self.caller,
            {**self.loop_vars, name: value},
        )

    # --- names ---------------------------------------------------------------------
    def lookup(self, name: str) -> Any:
        if name in self.loop_vars:
            return self.loop_vars[name]
        variables = self.data.get("variables", {})
        if name in variables:
            return self.eval(variables[name]["value"])
        params = self.data.get("parameters", {})
        if name in params:
            if name in self.caller_params and self.caller is not None:
                return self.caller.eval(self.caller_params[name])
            if params[name].get("default") is not None:
                return self.eval(params[name]["default"])
            return Unknown(f"param {name}")
        if name in self.data.get("resources", {}) or name in self.data.get("modules", {}):
            return Unknown(name)
        if name in {"true", "false"}:
            return name == "true"
        return Unknown(name)  # a function-scope name such as resourceGroup

    def module_scopes(self, symbol: str) -> list[Scope]:
        """One scope per call of a module (a looped module is called once per item)."""
        module = self.data["modules"][symbol]
        config = module["config"]
        target = (self.path.parent / module["detail"]["path"]).resolve()
        if "loop_type" in config:
            detail = config["loop_type"]["detail"]
            items = self.eval(detail["array_name"])
            if not isinstance(items, list):
                raise AssertionError(
                    f"{symbol}: cannot expand the loop over {detail['array_name']}"
                )
            callers = [self.with_loop(detail["item_name"], item) for item in items]
            call = config["config"]
        else:
            callers = [self]
            call = config.get("config", config) if "condition" in config else config
        return [Scope(self.template, target, call.get("params", {}), c) for c in callers]

    def module_scope(self, symbol: str) -> Scope:
        scopes = self.module_scopes(symbol)
        if len(scopes) != 1:
            raise AssertionError(f"{symbol} is a looped module; its outputs are per item")
        return scopes[0]

    # --- expressions ---------------------------------------------------------------
    def eval(self, expr: Any) -> Any:
        if isinstance(expr, BicepElement):
            return self.lookup(str(expr))
        if isinstance(expr, str):
            return self._interpolate(expr) if "${" in expr else expr
        if isinstance(expr, list):
            return [self.eval(item) for item in expr]
        if not isinstance(expr, dict):
            return expr
        if set(expr) == {"operator"}:
            return self._operator(expr["operator"])
        if set(expr) == {"function"}:
            return self._function(expr["function"])
        if "loop_type" in expr:
            return self._loop(expr)
        return {_key(key): self.eval(value) for key, value in expr.items()}

    def _interpolate(self, text: str) -> str:
        def part(match: re.Match[str]) -> str:
            value = self._dotted(match.group(1).strip())
            return str(value)

        return INTERPOLATION.sub(part, text)

    def _dotted(self, path: str) -> Any:
        head, *rest = path.split(".")
        return self._access(head, rest)

    def _access(self, head: str, rest: list[str]) -> Any:
        data = self.data
        if head in data.get("modules", {}) and rest[:1] == ["outputs"] and len(rest) >= 2:
            inner = self.module_scope(head)
            value = inner.eval(inner.data["outputs"][rest[1]]["value"])
            return _index(value, rest[2:], f"{head}.{'.'.join(rest)}")
        if head in data.get("resources", {}) and rest == ["name"]:
            resource = data["resources"][head]["config"]
            if "loop_type" not in resource and "condition" not in resource:
                return self.eval(resource["name"])
        if head in data.get("resources", {}) or head in data.get("modules", {}):
            return Unknown(".".join([head, *rest]))
        return _index(self.lookup(head), rest, ".".join([head, *rest]))

    def _operator(self, op: dict[str, Any]) -> Any:
        kind, operands = op["type"], op["operands"]
        if kind == "property_accessor":
            return self._access(*_accessor_path(operands))
        if kind == "conditional":
            condition = self.eval(operands["condition"])
            if isinstance(condition, bool):
                return self.eval(operands["true_value" if condition else "false_value"])
            return Unknown("conditional")
        if kind == "minus" and set(operands) == {"integer_value"}:
            value = self.eval(operands["integer_value"])
            return -value if isinstance(value, int) else Unknown("minus")
        if kind == "equals":
            left, right = self.eval(operands["operand_1"]), self.eval(operands["operand_2"])
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return Unknown("equals")
            return left == right
        return Unknown(kind)

    def _function(self, fn: dict[str, Any]) -> Any:
        kind = fn["type"]
        args = [self.eval(v) for v in fn.get("parameters", {}).values() if v is not None]
        if kind == "concat" and all(isinstance(a, list) for a in args):
            return [item for a in args for item in a]
        if kind == "concat" and all(isinstance(a, str) for a in args):
            return "".join(args)
        if kind == "union" and all(isinstance(a, dict) for a in args):
            merged: dict[str, Any] = {}
            for a in args:
                merged.update(a)
            return merged
        if kind == "string" and len(args) == 1 and not isinstance(args[0], Unknown):
            return str(args[0]).lower() if isinstance(args[0], bool) else str(args[0])
        if kind == "string" and len(args) == 1:
            return args[0]
        if kind in {"subscription_resource_id", "resource_id"} and all(
            isinstance(a, str) for a in args
        ):
            return "/".join(args)
        if kind == "take" and isinstance(args[0], str) and isinstance(args[1], int):
            return args[0][: args[1]]
        return Unknown(f"{kind}()")

    def _loop(self, expr: dict[str, Any]) -> Any:
        detail = expr["loop_type"]["detail"]
        items = self.eval(detail["array_name"])
        if not isinstance(items, list):
            return Unknown("for")
        return [self.with_loop(detail["item_name"], item).eval(expr["config"]) for item in items]


def _key(key: str) -> str:
    """Object keys that need quotes in Bicep (``'aad-enabled'``) arrive with them."""
    return key[1:-1] if len(key) > 1 and key[0] == key[-1] == "'" else key


def _accessor_path(operands: dict[str, Any]) -> tuple[str, list[str]]:
    """``a.b.c`` arrives as accessor(a, accessor(b, c)); flatten it to ("a", ["b", "c"])."""
    head = operands["operand_1"]
    rest: list[str] = []
    tail: Any = operands["operand_2"]
    while isinstance(tail, dict) and tail.get("operator", {}).get("type") == "property_accessor":
        inner = tail["operator"]["operands"]
        rest.append(str(inner["operand_1"]))
        tail = inner["operand_2"]
    rest.append(str(tail))
    return str(head), rest


def _index(value: Any, rest: list[str], expr: str) -> Any:
    for key in rest:
        if isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return Unknown(expr)
    return value


class Template:
    """A Bicep entry file and the local modules it reaches."""

    def __init__(self, main: Path) -> None:
        self.main = main.resolve()
        self._files: dict[Path, dict[str, Any]] = {}

    def file(self, path: Path) -> dict[str, Any]:
        path = path.resolve()
        if path not in self._files:
            self._files[path] = parse(path)
        return self._files[path]

    def root(self) -> Scope:
        return Scope(self, self.main)

    def scopes(self) -> Iterator[Scope]:
        """The entry file and every module call beneath it (one scope per call)."""
        pending = [self.root()]
        while pending:
            scope = pending.pop()
            yield scope
            for symbol in scope.data.get("modules", {}):
                if scope.data["modules"][symbol]["type"] == "local":
                    pending.extend(scope.module_scopes(symbol))

    def resources(self, type_: str) -> list[ResourceInstance]:
        """Every instance of a resource type across the template, loops expanded."""
        found: list[ResourceInstance] = []
        for scope in self.scopes():
            for symbol, resource in scope.data.get("resources", {}).items():
                if resource["type"].lower() != type_.lower() or resource.get("existing"):
                    continue
                found.extend(_instances(symbol, resource, scope))
        return found

    def app_settings(self) -> dict[str, Any]:
        """The Function app's app settings, name to (possibly Unknown) value."""
        sites = self.resources("Microsoft.Web/sites")
        if len(sites) != 1:
            raise AssertionError(f"expected one Microsoft.Web/sites resource, found {len(sites)}")
        site = sites[0]
        raw = site.config["properties"]["siteConfig"]["appSettings"]
        settings = site.scope.eval(raw)
        if not isinstance(settings, list):
            raise AssertionError(f"app settings do not evaluate to a list: {settings!r}")
        out: dict[str, Any] = {}
        for entry in settings:
            name = entry["name"]
            if name in out:
                raise AssertionError(f"app setting {name} is set twice")
            out[name] = entry["value"]
        return out


def _instances(symbol: str, resource: dict[str, Any], scope: Scope) -> list[ResourceInstance]:
    config = resource["config"]
    type_ = resource["type"]
    if "loop_type" in config:
        detail = config["loop_type"]["detail"]
        items = scope.eval(detail["array_name"])
        if not isinstance(items, list):
            raise AssertionError(f"{symbol}: cannot expand the loop over {detail['array_name']}")
        return [
            ResourceInstance(
                symbol, type_, config["config"], scope.with_loop(detail["item_name"], i)
            )
            for i in items
        ]
    if "condition" in config and "config" in config:
        return [ResourceInstance(symbol, type_, config["config"], scope)]
    return [ResourceInstance(symbol, type_, config, scope)]
