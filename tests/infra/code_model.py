"""What the code says the deployment must provide: settings, bindings, partition keys.

Partition keys come from the context code, read with ``ast`` (no import, no I/O):

1. A module-level ``CONTAINERS = {"<settings field>": "<partition key path>", ...}`` in any
   context module is authoritative (the convention in docs/deploy.md).
2. Otherwise each ``ContainerSpec(<name>, <path>)`` call is traced back to its settings
   field: ``shared/bootstrap/`` hands ``s.cosmos_container_x`` to the context either by
   keyword (``audit=s.cosmos_container_inventory_audit`` then ``self._names.audit``) or by
   position into a constructor (``LocalCatalogSource(store, s.cosmos_container_products)``
   then ``ContainerSpec(container_name, ...)``); the path is a string literal or a
   module-level string constant.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from shared.settings import Settings
from shared.settings import setting_names as shared_setting_names

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "shared"
BOOTSTRAP = SHARED / "bootstrap"
NOT_CONTEXT = {"adapters", "migrations", "bootstrap"}
CONTAINER_FIELD_PREFIX = "cosmos_container_"
BINDING_EXPRESSION = re.compile(r"%([^%]+)%")


# --- settings ------------------------------------------------------------------------
def setting_names(info: FieldInfo, field_name: str) -> list[str]:
    """The app-setting names a field is read from (``shared.settings.setting_names``)."""
    return shared_setting_names(field_name)


def azure_marker(info: FieldInfo) -> str | None:
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        value = extra.get("azure")
        return value if isinstance(value, str) else None
    return None


def is_secret(info: FieldInfo) -> bool:
    return SecretStr in _type_args(info.annotation)


def _type_args(annotation: Any) -> set[Any]:
    args = set(getattr(annotation, "__args__", ()) or ())
    return {annotation} | args


def fields() -> dict[str, FieldInfo]:
    return dict(Settings.model_fields)


def container_fields() -> dict[str, FieldInfo]:
    return {n: f for n, f in fields().items() if n.startswith(CONTAINER_FIELD_PREFIX)}


def hub_fields() -> dict[str, FieldInfo]:
    return {n: f for n, f in fields().items() if n.startswith("hub_")}


# --- bindings ------------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    function: str
    type: str
    values: dict[str, Any]

    def expressions(self) -> list[str]:
        """Every ``%SETTING%`` in the binding's string values."""
        found: list[str] = []
        for value in self.values.values():
            if isinstance(value, str):
                found.extend(BINDING_EXPRESSION.findall(value))
        return found


@cache
def trigger_bindings() -> tuple[Binding, ...]:
    """Every non-HTTP binding of every function registered on ``function_app.app``.

    Built from the app's function builders rather than ``get_functions()``, which records
    the names it returns and refuses them on a second call in the same process (other test
    suites index the app too).
    """
    import function_app

    app = function_app.app
    out: list[Binding] = []
    for fn in [builder.build(app.auth_level) for builder in app._function_builders]:
        for binding in fn.get_bindings():
            values = dict(binding.get_dict_repr())
            kind = str(values.pop("type"))
            if kind in {"httpTrigger", "http"}:
                continue
            values.pop("direction", None)
            plain = {k: getattr(v, "value", v) for k, v in values.items()}
            out.append(Binding(str(fn.get_function_name()), kind, plain))
    return tuple(out)


# --- partition keys ------------------------------------------------------------------
@dataclass
class PartitionKeys:
    by_field: dict[str, set[str]] = field(default_factory=dict)
    untraced: list[str] = field(default_factory=list)

    def add(self, field_name: str, path: str) -> None:
        self.by_field.setdefault(field_name, set()).add(path)


def context_files() -> Iterator[Path]:
    for path in sorted(SHARED.rglob("*.py")):
        rel = path.relative_to(SHARED)
        if rel.parts[0] in NOT_CONTEXT:
            continue
        yield path


def _settings_field(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr.startswith(CONTAINER_FIELD_PREFIX):
        return node.attr
    return None


def _constructor_params() -> dict[str, list[str]]:
    """Class name -> its ``__init__`` parameter names (without self), across shared/."""
    params: dict[str, list[str]] = {}
    for path in context_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    params[node.name] = [a.arg for a in item.args.args[1:]]
    return params


def bootstrap_bridges() -> dict[str, str]:
    """Names the contexts use for a container setting -> the settings field."""
    bridges: dict[str, str] = {}
    constructors = _constructor_params()
    trees = [ast.parse(p.read_text()) for p in sorted(BOOTSTRAP.glob("*.py"))]
    for node in (n for tree in trees for n in ast.walk(tree)):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            target = _settings_field(kw.value)
            if target and kw.arg:
                bridges[kw.arg] = target
        callee = node.func.id if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute):
            callee = node.func.attr
        for index, arg in enumerate(node.args):
            target = _settings_field(arg)
            names = constructors.get(callee or "", [])
            if target and index < len(names):
                bridges[names[index]] = target
    return bridges


def _module_constants(tree: ast.Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for t in targets:
                    if isinstance(t, ast.Name):
                        out[t.id] = value.value
    return out


def _declared_containers(tree: ast.Module, constants: dict[str, str]) -> dict[str, str]:
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "CONTAINERS" for t in targets):
            continue
        assert isinstance(node, ast.Assign | ast.AnnAssign)
        value = node.value
        if isinstance(value, ast.Call) and value.args:  # MappingProxyType({...}) and alike
            value = value.args[0]
        if isinstance(value, ast.Dict):
            out: dict[str, str] = {}
            for k, v in zip(value.keys, value.values, strict=True):
                key, path = _string(k, constants), _string(v, constants)
                if key and path:
                    out[key] = path
            return out
    return {}


def _string(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _shared_constants() -> dict[str, str]:
    """Module-level string constants of every context module, for names a module imports
    from another (a stored-model module's partition key paths); an ambiguous name is left
    out."""
    seen: dict[str, set[str]] = {}
    for path in context_files():
        for name, value in _module_constants(ast.parse(path.read_text())).items():
            seen.setdefault(name, set()).add(value)
    return {name: next(iter(values)) for name, values in seen.items() if len(values) == 1}


def code_partition_keys() -> PartitionKeys:
    keys = PartitionKeys()
    bridges = bootstrap_bridges()
    container_defaults = {f.default: n for n, f in container_fields().items()}
    imported = _shared_constants()
    for path in context_files():
        tree = ast.parse(path.read_text())
        constants = imported | _module_constants(tree)
        for field_name, declared in _declared_containers(tree, constants).items():
            keys.add(field_name, declared)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _call_name(node) == "ContainerSpec"):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if len(node.args) < 2:
                keys.untraced.append(where)
                continue
            name_node, pk = node.args[0], _string(node.args[1], constants)
            target: str | None = None
            if isinstance(name_node, ast.Attribute):
                target = bridges.get(name_node.attr) or _as_field(name_node.attr)
            elif isinstance(name_node, ast.Name):
                target = bridges.get(name_node.id) or _as_field(name_node.id)
            elif isinstance(name_node, ast.Constant):
                target = container_defaults.get(name_node.value)
            if target is None or pk is None:
                keys.untraced.append(where)
                continue
            keys.add(target, pk)
    return keys


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _as_field(name: str) -> str | None:
    candidate = CONTAINER_FIELD_PREFIX + name
    return candidate if candidate in container_fields() else None
