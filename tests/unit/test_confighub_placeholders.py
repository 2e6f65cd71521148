"""Placeholders and escaping in the file renderings, against the Spring config server's
``EnvironmentPropertySource`` (the .properties text, the .json/.yml trees)."""

from __future__ import annotations

import json

import pytest
import yaml

from shared.confighub.model import Environment, PropertySource
from shared.confighub.placeholders import lookup_values, resolve_text, resolve_value
from shared.confighub.spring import render

VALUES = {
    "host": "db",
    "port": "3306",
    "url": "jdbc:${host}:${port}",
    "name": "x",
    "loop": "${loop}",
    "a": "${b}",
    "b": "${a}",
    "escaped": "\\${host}",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${host}", "db"),
        ("${url}/shop", "jdbc:db:3306/shop"),
        ("${missing:fallback}", "fallback"),
        ("${missing:http://h:1/p}", "http://h:1/p"),
        ("${missing:}", ""),
        ("${missing:${host}}", "db"),
        ("${host:${missing}}", "db"),
        ("${${name}y:z}", "z"),
        ("${ host }", "db"),
        ("${missing}", "${missing}"),
        ("\\${host}", "${host}"),
        ("\\\\${host}", "${host}"),
        ("${escaped}", "${host}"),
        ("${loop}", "${loop}"),
        ("${a}", "${a}"),
        ("${host", "${host"),
        ("C:\\temp\\${", "C:\\temp\\${"),
        ("no placeholder", "no placeholder"),
    ],
    ids=[
        "plain",
        "value-resolved-in-turn",
        "default",
        "default-with-colons",
        "empty-default",
        "default-placeholder",
        "known-key-ignores-default",
        "key-from-placeholder",
        "key-trimmed",
        "unknown-kept",
        "escaped",
        "escaped-twice",
        "escape-in-looked-up-value",
        "circular-kept",
        "mutual-kept",
        "unclosed",
        "no-placeholder-keeps-backslashes",
        "plain-text",
    ],
)
def test_resolve_value_like_spring(value: str, expected: str) -> None:
    assert resolve_value(value, VALUES) == expected


def test_deep_nesting_stops_instead_of_exhausting_the_stack() -> None:
    deep = "${" * 2000 + "host" + "}" * 2000
    assert resolve_value(deep, VALUES) == deep
    assert resolve_value("${missing:" * 3 + "${host}" + "}" * 3, VALUES) == "db"


def test_resolve_text_unmasks_escapes_everywhere() -> None:
    """The .properties text is masked whole: a lone ``\\${`` loses its backslash too."""
    assert resolve_text("a: C:\\temp\\${\nb: ${host}", VALUES) == "a: C:\\temp${\nb: db"


def _env(*sources: tuple[str, dict[str, str]]) -> Environment:
    return Environment(
        name="foo",
        profiles=["dev"],
        label="main",
        property_sources=[PropertySource(name=n, source=s) for n, s in sources],
    )


def test_lookup_takes_the_highest_source_before_arrays_are_replaced() -> None:
    env = _env(
        ("foo-dev", {"list[0]": "x", "a": "1"}),
        ("foo", {"list[0]": "y", "list[1]": "z", "a": "0", "spring.profiles": "p"}),
    )
    assert lookup_values(env) == {"list[0]": "x", "list[1]": "z", "a": "1", "spring.profiles": "p"}
    referring = _env(
        ("foo-dev", {"list[0]": "x", "ref": "${list[1]}"}),
        ("foo", {"list[0]": "y", "list[1]": "z"}),
    )
    assert render(referring, "properties") == ("ref: z\nlist[0]: x", "text/plain")


SPECIAL = _env(
    (
        "foo",
        {
            "host": "db",
            "k.${host}": "v",
            "msg": 'He said "hi" to ${host}: #1',
            "multi": "line1\nline2 ${host}",
            "path": "C:\\temp\\x",
            "flag": "yes",
            "nothing": "null",
            "star": "*ref",
            "lit": "\\${host}",
            "accent": "crème",
        },
    )
)


def test_properties_are_raw_text_with_keys_resolved() -> None:
    body, content_type = render(SPECIAL, "properties")
    assert content_type == "text/plain"
    assert body == (
        'host: db\nk.db: v\nmsg: He said "hi" to db: #1\nmulti: line1\nline2 db\n'
        "path: C:\\temp\\x\nflag: yes\nnothing: null\nstar: *ref\nlit: ${host}\naccent: crème"
    )


EXPECTED_TREE = {
    "host": "db",
    "k": {"${host}": "v"},
    "msg": 'He said "hi" to db: #1',
    "multi": "line1\nline2 db",
    "path": "C:\\temp\\x",
    "flag": "yes",
    "nothing": "null",
    "star": "*ref",
    "lit": "${host}",
    "accent": "crème",
}


def test_json_and_yaml_trees_keep_every_special_character() -> None:
    body, content_type = render(SPECIAL, "json")
    assert (json.loads(body), content_type) == (EXPECTED_TREE, "application/json")
    assert '"accent":"crème"' in body
    text, content_type = render(SPECIAL, "yml")
    assert (yaml.safe_load(text), content_type) == (EXPECTED_TREE, "text/plain")


def test_unresolved_renderings_keep_placeholders_and_escapes() -> None:
    body, _ = render(SPECIAL, "properties", resolve=False)
    assert body.splitlines()[1:3] == ["k.${host}: v", 'msg: He said "hi" to ${host}: #1']
    assert "lit: \\${host}" in body.splitlines()
    tree = json.loads(render(SPECIAL, "json", resolve=False)[0])
    assert (tree["lit"], tree["multi"]) == ("\\${host}", "line1\nline2 ${host}")
