"""The URL grammar of the Spring Cloud Config server, parsed in one place.

Spring's ``EnvironmentController`` tells ``/{name}/{profiles}`` from
``/{label}/{name}-{profiles}.json`` by a negative look-ahead on the extension; a host
that ranks routes by literal segments cannot express that, so a single catch-all
function hands the path here and acts on the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from shared.errors import BadRequest, NotFound

SLASH_PLACEHOLDER = "(_)"
_FILE = re.compile(r"^(?P<name>.+)-(?P<profiles>[^-]+)\.(?P<ext>json|ya?ml|properties)$")
_HAS_EXT = re.compile(r".*\b\.(?:ya?ml|properties|json)\b")
_PROFILE_CHARS = "-_.+@"


@dataclass(frozen=True)
class EnvironmentPath:
    application: str
    profiles: str
    label: str | None


@dataclass(frozen=True)
class FilePath:
    application: str
    profiles: str
    label: str | None
    ext: str


@dataclass(frozen=True)
class UiPath:
    application: str


SpringPath = EnvironmentPath | FilePath | UiPath


def _invalid_location(text: str) -> bool:
    """``PathUtils.isInvalidEncodedLocation``: '..', '#' or a leading slash placeholder."""
    for candidate in (text, unquote(text)):
        if ".." in candidate or "#" in candidate or candidate.startswith(SLASH_PLACEHOLDER):
            return True
    return False


def _normalize(part: str) -> str:
    if _invalid_location(part):
        raise BadRequest("Invalid request", code="INVALID_SPRING_REQUEST")
    return part.replace(SLASH_PLACEHOLDER, "/")


def _valid_profile(profile: str) -> bool:
    if not profile:
        return False
    last = len(profile) - 1
    for i, char in enumerate(profile):
        if not (char.isalnum() or (char in _PROFILE_CHARS and 0 < i < last)):
            return False
    return True


def _check_profiles(profiles: str) -> str:
    """``PathUtils.isInvalidProfiles``: each comma item a valid Spring profile."""
    items = profiles.split(",") if "," in profiles else [profiles]
    if not all(_valid_profile(p) for p in items) or _invalid_location(profiles):
        raise BadRequest("Invalid request", code="INVALID_SPRING_REQUEST")
    return profiles


def parse(path: str) -> SpringPath:
    segments = path.strip("/").split("/")
    if any(not s for s in segments):
        raise NotFound("no such ConfigHub resource", code="NO_ROUTE")
    if len(segments) == 2 and segments[0] == "ui":
        return UiPath(_normalize(segments[1]))
    if len(segments) <= 2 and (match := _FILE.match(segments[-1])):
        return FilePath(
            application=_normalize(match["name"]),
            profiles=_check_profiles(match["profiles"]),
            label=_normalize(segments[0]) if len(segments) == 2 else None,
            ext="yml" if match["ext"] == "yaml" else match["ext"],
        )
    if len(segments) == 2 and not _HAS_EXT.match(segments[1]):
        return EnvironmentPath(_normalize(segments[0]), _check_profiles(segments[1]), None)
    if len(segments) == 3:
        return EnvironmentPath(
            _normalize(segments[0]), _check_profiles(segments[1]), _normalize(segments[2])
        )
    raise NotFound("no such ConfigHub resource", code="NO_ROUTE")
