"""``${...}`` placeholders, resolved the way the Spring Cloud Config server resolves them
in its ``.properties``, ``.json`` and ``.yml`` renderings (``EnvironmentPropertySource``).

A Spring Boot service that switches from the old server must read the same text, so the
details follow Spring: ``${key:default}`` with a default that may itself hold
placeholders; a looked-up value is resolved in turn; an unknown key without a default
stays as written; ``\\${`` (or ``\\\\${``) escapes a placeholder and comes out as a plain
``${``. Keys are looked up in the property sources highest precedence first, before
arrays are replaced whole, as ``EnvironmentPropertySource.getProperty`` does.

One departure: where Spring fails the whole request (a circular reference, or a
looked-up value whose own placeholder is unknown), the placeholder is kept as written,
so one careless value cannot take every client's rendering down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from shared.confighub.model import Environment

_ESCAPED = re.compile(r"\\{1,2}\$\{")
_HAS_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
_MASK = "$_{"
MAX_DEPTH = 32
"""Nesting deeper than this (placeholders in keys, defaults and looked-up values) is kept
as written: a crafted value must not exhaust the stack of the worker serving it."""


def lookup_values(env: Environment) -> dict[str, str]:
    """Each key with the value of the highest-precedence source that holds it."""
    values: dict[str, str] = {}
    for source in reversed(env.property_sources):
        values.update(source.source)
    return values


def _mask(text: str) -> str:
    return _ESCAPED.sub(lambda _match: _MASK, text)


def _closing(text: str, start: int) -> int:
    """Index of the ``}`` that closes a placeholder whose content starts at ``start``;
    every ``{`` inside opens a level, as in Spring's ``findPlaceholderEndIndex``."""
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _split_default(content: str) -> tuple[str, str | None]:
    """``key:default`` split at the first ``:`` outside nested placeholders."""
    depth = 0
    for i, char in enumerate(content):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ":" and depth == 0:
            return content[:i], content[i + 1 :]
    return content, None


class _Resolver:
    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def resolve(self, text: str, visiting: frozenset[str], depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            return text
        parts: list[str] = []
        position = 0
        while (start := text.find("${", position)) >= 0:
            end = _closing(text, start + 2)
            if end < 0:
                break
            parts.append(text[position:start])
            parts.append(self._placeholder(text[start : end + 1], visiting, depth + 1))
            position = end + 1
        parts.append(text[position:])
        return "".join(parts)

    def _placeholder(self, original: str, visiting: frozenset[str], depth: int) -> str:
        raw_key, default = _split_default(original[2:-1])
        key = self.resolve(raw_key, visiting, depth).strip()
        if key in visiting:
            return original
        value = self._values.get(key)
        if value is not None:
            return self.resolve(_mask(value), visiting | {key}, depth)
        if default is not None:
            return self.resolve(default, visiting, depth)
        return original


def resolve_text(text: str, values: Mapping[str, str]) -> str:
    """The whole rendered text, as Spring resolves its ``.properties`` output."""
    return _Resolver(values).resolve(_mask(text), frozenset()).replace(_MASK, "${")


def resolve_value(value: str, values: Mapping[str, str]) -> str:
    """One value of the ``.json``/``.yml`` trees; text without a placeholder is left
    exactly as it is (escapes included), as Spring's ``resolveStringValue`` does."""
    if not _HAS_PLACEHOLDER.search(value):
        return value
    return resolve_text(value, values)
