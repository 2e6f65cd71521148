"""Spring Cloud Config resolution and rendering, against JdbcEnvironmentRepository's rules."""

from __future__ import annotations

import pytest

from shared.confighub.model import Environment, PropertySource
from shared.confighub.spring import (
    Row,
    build_environment,
    flatten,
    layers,
    render,
    to_tree,
)
from shared.errors import BadRequest


@pytest.mark.parametrize(
    ("application", "profile", "label", "expected"),
    [
        (
            "foo",
            "dev",
            "main",
            ["main:foo-dev", "main:application-dev", "main:foo", "main:application"],
        ),
        (
            "foo",
            "dev,prod",
            "main",
            [
                "main:foo-prod",
                "main:application-prod",
                "main:foo-dev",
                "main:application-dev",
                "main:foo",
                "main:application",
            ],
        ),
        (
            "foo,bar",
            "dev",
            "main",
            [
                "main:bar-dev",
                "main:foo-dev",
                "main:application-dev",
                "main:bar",
                "main:foo",
                "main:application",
            ],
        ),
        ("application", "dev", "main", ["main:application-dev", "main:application"]),
        (
            "foo",
            "dev",
            "main,release",
            [
                "release:foo-dev",
                "release:application-dev",
                "release:foo",
                "release:application",
                "main:foo-dev",
                "main:application-dev",
                "main:foo",
                "main:application",
            ],
        ),
        (
            "foo",
            "default",
            "main",
            ["main:foo-default", "main:application-default", "main:foo", "main:application"],
        ),
        (
            "foo",
            "dev,dev",
            "main",
            ["main:foo-dev", "main:application-dev", "main:foo", "main:application"],
        ),
        (
            "application,foo",
            "dev",
            "main",
            ["main:foo-dev", "main:application-dev", "main:foo", "main:application"],
        ),
    ],
    ids=[
        "single",
        "profiles-last-wins",
        "applications-last-wins",
        "shared-application-only",
        "labels-last-wins",
        "default-when-asked",
        "duplicate-profiles",
        "explicit-application-first",
    ],
)
def test_layers_follow_the_jdbc_backend_order(
    application: str, profile: str, label: str, expected: list[str]
) -> None:
    assert [f"{x.label}:{x.name}" for x in layers(application, profile, label)] == expected


ROWS = [
    Row("application", None, "main", "shared", "base"),
    Row("foo", None, "main", "a", "foo-base"),
    Row("foo", "dev", "main", "a", "foo-dev"),
    Row("application", "dev", "main", "b", "app-dev"),
    Row("foo", "prod", "main", "a", "foo-prod"),
    Row("foo", "default", "main", "a", "foo-default"),
    Row("foo", "dev", "release", "a", "foo-dev-release"),
    Row("bar", "dev", "main", "a", "bar-dev"),
]


@pytest.mark.parametrize(
    ("application", "profile", "label", "expected"),
    [
        (
            "foo",
            "dev",
            "main",
            [
                ("foo-dev", {"a": "foo-dev"}),
                ("application-dev", {"b": "app-dev"}),
                ("foo", {"a": "foo-base"}),
                ("application", {"shared": "base"}),
            ],
        ),
        (
            "foo",
            "default",
            "main",
            [
                ("foo-default", {"a": "foo-default"}),
                ("foo", {"a": "foo-base"}),
                ("application", {"shared": "base"}),
            ],
        ),
        (
            "unknown",
            "dev",
            "main",
            [("application-dev", {"b": "app-dev"}), ("application", {"shared": "base"})],
        ),
        ("foo", "dev", "nolabel", []),
        (
            "foo",
            "dev",
            "main,release",
            [
                ("foo-dev", {"a": "foo-dev-release"}),
                ("foo-dev", {"a": "foo-dev"}),
                ("application-dev", {"b": "app-dev"}),
                ("foo", {"a": "foo-base"}),
                ("application", {"shared": "base"}),
            ],
        ),
    ],
    ids=[
        "profile-and-base",
        "default-only-when-asked",
        "unknown-app",
        "unknown-label",
        "two-labels",
    ],
)
def test_environment_sources_highest_precedence_first(
    application: str, profile: str, label: str, expected: list[tuple[str, dict[str, str]]]
) -> None:
    env = build_environment(application, profile, label, ROWS)
    assert [(s.name, s.source) for s in env.property_sources] == expected
    assert env.name == application
    assert env.profiles == profile.split(",")
    assert env.label == label
    assert env.state is None


def test_version_is_a_content_hash() -> None:
    first = build_environment("foo", "dev", "main", ROWS)
    again = build_environment("foo", "dev", "main", list(ROWS))
    changed = build_environment(
        "foo", "dev", "main", [*ROWS[:2], Row("foo", "dev", "main", "a", "other"), *ROWS[3:]]
    )
    assert first.version == again.version
    assert len(first.version or "") == 64
    assert changed.version != first.version


def _env(*sources: tuple[str, dict[str, str]]) -> Environment:
    return Environment(
        name="foo",
        profiles=["dev"],
        label="main",
        property_sources=[PropertySource(name=n, source=s) for n, s in sources],
    )


ARRAYS = _env(
    ("foo-dev", {"a": "1", "list[0]": "x", "spring.profiles": "dev"}),
    ("foo", {"a": "0", "b": "2", "list[0]": "y", "list[1]": "z"}),
)


def test_flatten_lets_the_highest_source_win_and_replaces_arrays_whole() -> None:
    assert flatten(ARRAYS) == {"a": "1", "b": "2", "list[0]": "x"}
    assert list(flatten(ARRAYS)) == ["a", "b", "list[0]"]


@pytest.mark.parametrize(
    ("flat", "tree"),
    [
        ({"a.b": "1", "a.c": "2"}, {"a": {"b": "1", "c": "2"}}),
        ({"l[0]": "x", "l[2]": "z"}, {"l": ["x", None, "z"]}),
        ({"l[0].n": "x", "l[1].n": "y"}, {"l": [{"n": "x"}, {"n": "y"}]}),
        ({"m[0][1]": "x"}, {"m": [[None, "x"]]}),
        (
            {"logging.level": "INFO", "logging.level.root": "DEBUG"},
            {"logging": {"level": "INFO", "level.root": "DEBUG"}},
        ),
        ({"map[key]": "v"}, {"map[key]": "v"}),
    ],
    ids=["maps", "list-with-gap", "list-of-maps", "nested-lists", "leaf-then-child", "map-key"],
)
def test_to_tree_mirrors_the_property_navigator(
    flat: dict[str, str], tree: dict[str, object]
) -> None:
    assert to_tree(flat) == tree


@pytest.mark.parametrize(
    "key", ["a..b", ".a", "l[0][x]", "l[0]x"], ids=["dots", "lead", "bad-index", "tail"]
)
def test_to_tree_rejects_invalid_keys(key: str) -> None:
    with pytest.raises(BadRequest) as err:
        to_tree({key: "v"})
    assert err.value.message == f"Invalid key: {key}"


@pytest.mark.parametrize(
    ("ext", "body", "content_type"),
    [
        ("properties", "a: 1\nb: 2\nlist[0]: x", "text/plain"),
        ("json", '{"a":"1","b":"2","list":["x"]}', "application/json"),
        ("yml", "a: '1'\nb: '2'\nlist:\n- x\n", "text/plain"),
    ],
    ids=["properties", "json", "yml"],
)
def test_render_formats(ext: str, body: str, content_type: str) -> None:
    assert render(ARRAYS, ext) == (body, content_type)


def test_render_resolves_placeholders_unless_asked_not_to() -> None:
    env = _env(("foo", {"host": "db", "url": "jdbc:${host}"}))
    assert render(env, "properties") == ("host: db\nurl: jdbc:db", "text/plain")
    assert render(env, "properties", resolve=False) == ("host: db\nurl: jdbc:${host}", "text/plain")


def test_render_of_an_empty_environment() -> None:
    assert render(_env(), "yml") == ("", "text/plain")
    assert render(_env(), "json") == ("{}", "application/json")
