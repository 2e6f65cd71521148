"""The Spring Cloud Config URL grammar, as the catch-all trigger receives it."""

from __future__ import annotations

import pytest

from shared.confighub.paths import EnvironmentPath, FilePath, SpringPath, UiPath, parse
from shared.errors import BadRequest, NotFound


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("foo/dev", EnvironmentPath("foo", "dev", None)),
        ("foo/dev,prod/release", EnvironmentPath("foo", "dev,prod", "release")),
        ("foo/dev/feature(_)x", EnvironmentPath("foo", "dev", "feature/x")),
        ("main/foo-dev.json", FilePath("foo", "dev", "main", "json")),
        ("main/omni-product-dev.yml", FilePath("omni-product", "dev", "main", "yml")),
        ("release/foo-dev,prod.yaml", FilePath("foo", "dev,prod", "release", "yml")),
        ("main/foo-dev.properties", FilePath("foo", "dev", "main", "properties")),
        ("foo-dev.properties", FilePath("foo", "dev", None, "properties")),
        ("ui/omni-product", UiPath("omni-product")),
        ("ui/dev/main", EnvironmentPath("ui", "dev", "main")),
    ],
    ids=[
        "env",
        "env-labelled",
        "slash-placeholder",
        "json",
        "yml-hyphenated-app",
        "yaml-two-profiles",
        "properties",
        "properties-default-label",
        "ui",
        "three-segments-are-spring",
    ],
)
def test_parse(path: str, expected: SpringPath) -> None:
    assert parse(path) == expected


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("foo/-dev", BadRequest),
        ("foo/dev/a..b", BadRequest),
        ("foo/dev/%2e%2e", BadRequest),
        ("foo/dev,/main", BadRequest),
        ("(_)etc/dev", BadRequest),
        ("foo", NotFound),
        ("a/b/c/d", NotFound),
        ("foo//dev", NotFound),
    ],
    ids=[
        "bad-profile",
        "dotdot",
        "encoded-dotdot",
        "empty-profile",
        "leading-slash",
        "one",
        "four",
        "empty",
    ],
)
def test_parse_refuses(path: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse(path)
