"""Spring Cloud Config resolution and rendering, pure and free of I/O.

The retailer's Spring Boot services read this hub with the stock Spring Cloud Config
client, so the layer order follows ``JdbcEnvironmentRepository.findOne`` line by line
(highest precedence first: ``{app}-{profile}``, ``application-{profile}``, ``{app}``,
``application``; in comma lists the last one wins) and the file renderings follow
``EnvironmentController`` (``convertToProperties`` and its ``PropertyNavigator``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from shared.confighub.model import Environment, PropertySource
from shared.confighub.placeholders import lookup_values, resolve_text, resolve_value
from shared.errors import BadRequest


@dataclass(frozen=True)
class Layer:
    """One property source: an application, a profile (None = base layer), a label."""

    application: str
    profile: str | None
    label: str

    @property
    def name(self) -> str:
        return self.application if self.profile is None else f"{self.application}-{self.profile}"


class Row(NamedTuple):
    """One stored property as the layer query returns it (a plain tuple: cheap to build
    for hundreds of rows per cold read)."""

    application: str
    profile: str | None
    label: str
    prop: str
    val: str


def _split(text: str) -> list[str]:
    """Spring's ``commaDelimitedListToStringArray``: no trimming, empty items kept."""
    return text.split(",")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def layers(application: str, profile: str, label: str) -> list[Layer]:
    """The property sources of a request, highest precedence first."""
    config = application if application.startswith("application") else f"application,{application}"
    applications = list(reversed(_unique(_split(config))))
    envs = list(reversed(_unique(_split(profile or "default"))))
    labels = list(reversed(_split(label))) if "," in label else [label]
    ordered: list[Layer] = []
    for lbl in labels:
        ordered.extend(Layer(app, env, lbl) for env in envs for app in applications)
        ordered.extend(Layer(app, None, lbl) for app in applications)
    return ordered


def build_environment(
    application: str, profile: str, label: str, rows: Iterable[Row]
) -> Environment:
    """Group ``rows`` (in the order the query returned them) into the Environment.

    A layer without rows is left out, as the JDBC backend leaves out empty sources;
    ``version`` is a content hash, so equal content always has an equal version.
    """
    by_layer: dict[tuple[str, str | None, str], dict[str, str]] = {}
    for app, prof, lbl, prop, val in rows:
        source = by_layer.get((app, prof, lbl))
        if source is None:
            source = by_layer[(app, prof, lbl)] = {}
        source[prop] = val
    sources = [
        PropertySource(name=layer.name, source=by_layer[key])
        for layer in layers(application, profile, label)
        if by_layer.get(key := (layer.application, layer.profile, layer.label))
    ]
    profiles = _split(profile or "default")
    digest = hashlib.sha256(
        json.dumps(
            [application, profiles, label, [[s.name, list(s.source.items())] for s in sources]],
            separators=(",", ":"),
        ).encode()
    ).hexdigest()
    return Environment(
        name=application,
        profiles=profiles,
        label=label,
        version=digest,
        state=None,
        property_sources=sources,
    )


def flatten(env: Environment) -> dict[str, str]:
    """``convertToProperties``: lowest precedence first, a later array replaces whole."""
    combined: dict[str, str] = {}
    arrays: dict[str, dict[str, str]] = {}
    for source in reversed(env.property_sources):
        current: dict[str, dict[str, str]] = {}
        for key, value in source.source.items():
            if "[" not in key:
                combined[key] = value
            else:
                current.setdefault(key[: key.index("[")], {})[key] = value
        arrays.update(current)
    for entries in arrays.values():
        combined.update(entries)
    combined.pop("spring.profiles", None)
    return combined


class _Navigator:
    """A port of ``EnvironmentController.PropertyNavigator`` (maps, lists, leaves)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.pos = -1
        self.kind = "MAP"
        self.prefix = ""

    def invalid(self) -> BadRequest:
        return BadRequest(f"Invalid key: {self.key}", code="INVALID_PROPERTY_KEY")

    def next_key(self) -> str:
        start = self.pos + 1
        bracket = -1
        for i in range(start, len(self.key)):
            char = self.key[i]
            if char == ".":
                self.kind, self.pos = "MAP", i
                break
            if char == "[":
                bracket = i
            elif char == "]" and self.key[bracket + 1 : i].isdigit():
                self.kind, self.pos = "ARRAY", bracket
                break
        if self.pos < start:
            self.pos, self.kind = len(self.key), "LEAF"
        elif self.pos == start:
            raise self.invalid()
        return self.key[start : self.pos]

    def next_index(self) -> int:
        start = self.pos + 1
        for i in range(start, len(self.key)):
            char = self.key[i]
            if char == "]":
                self.pos = i
                break
            if not char.isdigit():
                raise self.invalid()
        if self.pos <= start:
            raise self.invalid()
        index = int(self.key[start : self.pos])
        self.pos += 1
        if self.pos == len(self.key):
            self.kind = "LEAF"
        elif self.key[self.pos] == ".":
            self.kind = "MAP"
        elif self.key[self.pos] == "[":
            self.kind = "ARRAY"
        else:
            raise self.invalid()
        return index

    def set_in_map(self, target: dict[str, Any], value: str) -> None:
        key = self.next_key()
        if self.kind == "MAP":
            current = target.get(key)
            if isinstance(current, dict):
                nested = current
            elif current is not None:
                self.prefix = key + "."
                nested = target
            else:
                nested = {}
                target[key] = nested
            self.set_in_map(nested, value)
        elif self.kind == "ARRAY":
            items = target.get(key)
            if not isinstance(items, list):
                items = []
                target[key] = items
            self.set_in_list(items, value)
        else:
            target[self.prefix + key] = value

    def set_in_list(self, items: list[Any], value: str) -> None:
        index = self.next_index()
        while len(items) <= index:
            items.append(None)
        if self.kind == "MAP":
            if not isinstance(items[index], dict):
                items[index] = {}
            self.set_in_map(items[index], value)
        elif self.kind == "ARRAY":
            if not isinstance(items[index], list):
                items[index] = []
            self.set_in_list(items[index], value)
        else:
            items[index] = value


def to_tree(flat: Mapping[str, str]) -> dict[str, Any]:
    """``convertToMap``: the nested structure of the .json and .yml renderings."""
    root: dict[str, Any] = {}
    for key, value in flat.items():
        _Navigator(key).set_in_map(root, value)
    return root


def render(env: Environment, ext: str, *, resolve: bool = True) -> tuple[str, str]:
    """``(body, content type)`` of ``{label}/{name}-{profiles}.{ext}``.

    As in Spring, ``.properties`` is resolved as one text (keys included) and the trees
    value by value, so a resolved value can never break the JSON or YAML around it.
    """
    flat = flatten(env)
    values = lookup_values(env) if resolve else {}
    if ext == "properties":
        text = "\n".join(f"{key}: {value}" for key, value in flat.items())
        return (resolve_text(text, values) if resolve else text), "text/plain"
    if resolve:
        flat = {key: resolve_value(value, values) for key, value in flat.items()}
    if ext == "json":
        tree_json = json.dumps(to_tree(flat), separators=(",", ":"), ensure_ascii=False)
        return tree_json, "application/json"
    if ext in ("yml", "yaml"):
        import yaml  # only the .yml rendering needs it: keep it off the cold start

        tree = to_tree(flat)
        text = yaml.safe_dump(tree, default_flow_style=False, sort_keys=False, allow_unicode=True)
        return ("" if not tree else text), "text/plain"
    raise BadRequest(f"unsupported format {ext!r}", code="UNSUPPORTED_FORMAT")
