"""Route templates read as the Functions host (ASP.NET Core routing) reads them."""

from __future__ import annotations

import pytest

from devhost.routes import RouteTemplate, RouteTemplateError, sort_key


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("items/{id}", "items/42", {"id": "42"}),
        ("items/{id}", "ITEMS/42", {"id": "42"}),
        ("items/{id}", "items/42/", {"id": "42"}),
        ("items/{id}", "items", None),
        ("items/{id}", "items/42/more", None),
        ("items/{id}/{part?}", "items/42", {"id": "42"}),
        ("items/{id}/{part?}", "items/42/x", {"id": "42", "part": "x"}),
        ("items/{id?}", "items", {}),
        ("items/{id=7}", "items", {"id": "7"}),
        ("items/{id=7}", "items/8", {"id": "8"}),
        ("items/{id:int}", "items/-12", {"id": "-12"}),
        ("items/{id:int}", "items/abc", None),
        ("items/{id:int}", "items/99999999999", None),
        ("items/{id:long}", "items/99999999999", {"id": "99999999999"}),
        ("items/{id:alpha}", "items/abc", {"id": "abc"}),
        ("items/{id:alpha}", "items/ab1", None),
        ("items/{id:int:min(10)}", "items/9", None),
        ("items/{id:int:min(10)}", "items/10", {"id": "10"}),
        ("items/{id:range(1,5)}", "items/6", None),
        ("items/{id:length(3)}", "items/abc", {"id": "abc"}),
        ("items/{id:maxlength(2)}", "items/abc", None),
        ("items/{id:bool}", "items/True", {"id": "True"}),
        (
            "items/{id:guid}",
            "items/0f8fad5b-d9cb-469f-a165-70867728950e",
            {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        ),
        ("items/{id:guid}", "items/nope", None),
        ("items/{id:double}", "items/1.5", {"id": "1.5"}),
        ("items/{id:regex(^[a-z]{{2}}$)}", "items/ab", {"id": "ab"}),
        ("files/{*path}", "files/a/b/c.txt", {"path": "a/b/c.txt"}),
        ("files/{*path}", "files", {}),
        ("files/{**path}", "files/a%2Fb/c", {"path": "a/b/c"}),
        ("files/{name}.{ext}", "files/report.pdf", {"name": "report", "ext": "pdf"}),
        ("items/{id}", "items/a%20b", {"id": "a b"}),
        ("items/{id}", "items/a%2Fb", {"id": "a/b"}),
    ],
    ids=str,
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert RouteTemplate.parse(template).match(path) == expected


@pytest.mark.parametrize(
    "template",
    [
        "items/{id?}/more",
        "files/{*path}/more",
        "items/{id}/{ID}",
        "items/{id:nosuch}",
        "items//x",
        "items/{1bad}",
    ],
    ids=[
        "optional-not-last",
        "catch-all-not-last",
        "repeated-name",
        "unknown-constraint",
        "empty-segment",
        "bad-name",
    ],
)
def test_rejects_templates_the_host_rejects(template: str) -> None:
    with pytest.raises(RouteTemplateError, match="route"):
        RouteTemplate.parse(template)


def test_precedence_puts_literals_before_parameters_and_catch_alls_last() -> None:
    texts = [
        "api/confighub/{application}/{profile}",
        "api/files/{*path}",
        "api/confighub/ui/{application}",
        "api/confighub/{application:int}/{profile}",
        "api/confighub/ui/settings",
    ]
    ordered = sorted((RouteTemplate.parse(t) for t in texts), key=sort_key)
    assert [t.text for t in ordered] == [
        "api/confighub/ui/settings",
        "api/confighub/ui/{application}",
        "api/confighub/{application:int}/{profile}",
        "api/confighub/{application}/{profile}",
        "api/files/{*path}",
    ]
