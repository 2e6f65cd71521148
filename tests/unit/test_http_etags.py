"""The one ETag rule of every route (functions/_http.py): strong tags of versions,
If-Match compared strongly (RFC 9110 section 13.1.1), If-None-Match weakly."""

from __future__ import annotations

import pytest

from functions._http import etag, none_match, parse_if_match
from shared.errors import BadRequest, PreconditionFailed
from shared.preconditions import IfMatch, check_if_match


@pytest.mark.parametrize(("version", "tag"), [(0, '"0"'), (7, '"7"'), ("ab12", '"ab12"')])
def test_an_etag_is_the_strong_tag_of_the_version(version: int | str, tag: str) -> None:
    assert etag(version) == tag


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ('"3"', IfMatch(frozenset({3}))),
        (' "3" ', IfMatch(frozenset({3}))),
        ('"3", "5"', IfMatch(frozenset({3, 5}))),
        ("*", IfMatch(any_version=True)),
        ('W/"3"', IfMatch()),
        ('W/"3", "4"', IfMatch(frozenset({4}))),
        ('"abc"', IfMatch()),
        ('"-1"', IfMatch()),
        ('"' + "9" * 19 + '"', IfMatch()),
        ('"' + "9" * 4000 + '"', IfMatch()),
        ('""', IfMatch()),
    ],
    ids=[
        "absent",
        "empty",
        "blank",
        "strong",
        "spaces",
        "list",
        "star",
        "weak-never-matches",
        "weak-and-strong",
        "opaque",
        "negative",
        "19-digits",
        "4000-digits",
        "empty-tag",
    ],
)
def test_if_match_names_the_versions_it_accepts(header: str | None, expected: IfMatch) -> None:
    assert parse_if_match(header) == expected


@pytest.mark.parametrize(
    "header",
    ["3", "W/3", '"3', '3"', '"3",', '"a"b"', 'W/ "3"', '"é"x'],
    ids=[
        "bare",
        "weak-bare",
        "open",
        "close",
        "trailing-comma",
        "inner-quote",
        "weak-space",
        "junk",
    ],
)
def test_a_header_that_is_not_entity_tags_is_a_400(header: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_if_match(header)
    assert err.value.code == "BAD_ETAG"


@pytest.mark.parametrize(
    ("header", "current", "matches"),
    [
        (None, 3, False),
        ('"3"', 3, True),
        ('W/"3"', 3, True),
        ('"4", W/"3"', 3, True),
        ('"4"', 3, False),
        ("*", "abc", True),
        ('"abc"', "abc", True),
    ],
    ids=["absent", "strong", "weak-compares-weakly", "list", "other", "star", "opaque"],
)
def test_if_none_match_compares_weakly(
    header: str | None, current: int | str, matches: bool
) -> None:
    assert none_match(header, current) is matches


@pytest.mark.parametrize(
    ("if_match", "current", "holds"),
    [
        (IfMatch(frozenset({3})), 3, True),
        (IfMatch(frozenset({3})), 4, False),
        (IfMatch(frozenset({3})), None, False),
        (IfMatch(any_version=True), 9, True),
        (IfMatch(any_version=True), None, False),
        (IfMatch(), 3, False),
    ],
    ids=["same", "stale", "missing", "star", "star-missing", "weak-only"],
)
def test_a_precondition_holds_only_over_a_named_version(
    if_match: IfMatch, current: int | None, holds: bool
) -> None:
    assert if_match.holds(current) is holds
    if holds:
        check_if_match(if_match, current, "thing")
        return
    with pytest.raises(PreconditionFailed) as err:
        check_if_match(if_match, current, "thing")
    assert (err.value.code, err.value.details) == ("ETAG_MISMATCH", {"currentVersion": current})


def test_no_precondition_always_holds() -> None:
    check_if_match(None, None, "thing")
    check_if_match(None, 5, "thing")
