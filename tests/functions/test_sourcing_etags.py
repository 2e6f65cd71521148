"""The ETag rule on carrier services and sourcing rules, through the triggers on embedded
adapters: the ETag is the stored version (1 when created, one more on every write),
``If-Match`` is compared strongly, and a PUT that loses a race to another writer reads
again instead of writing over it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.ports import ContainerSpec, Document, DocumentStore
from shared.sourcing.model import CarrierService, SourcingRule
from shared.sourcing.repository import ContainerNames, SourcingRepository
from tests.functions.test_sourcing_admin import GROUND, HOME, KINDS, get, put

CURRENT = 2
ON_AN_EXISTING_DOCUMENT = [
    pytest.param('"2"', 200, None, '"3"', id="strong-current"),
    pytest.param('"7", "2"', 200, None, '"3"', id="current-in-a-list"),
    pytest.param("*", 200, None, '"3"', id="any-version"),
    pytest.param('W/"2"', 412, "ETAG_MISMATCH", '"2"', id="weak-current"),
    pytest.param('"1"', 412, "ETAG_MISMATCH", '"2"', id="stale"),
    pytest.param('"ups-ground"', 412, "ETAG_MISMATCH", '"2"', id="not-a-version"),
    pytest.param("2", 400, "BAD_ETAG", '"2"', id="unquoted"),
    pytest.param('"2', 400, "BAD_ETAG", '"2"', id="unterminated"),
]


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
def test_every_write_is_one_version_up(
    registry: Registry, kind: str, path: str, body: dict[str, Any]
) -> None:
    etags = [put(kind, path, body).headers["ETag"] for _ in range(3)]
    assert etags == ['"1"', '"2"', '"3"']
    fetched = get(kind, path, body["id"])
    assert (fetched.status, fetched.json, fetched.headers["ETag"]) == (200, body, '"3"')


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
@pytest.mark.parametrize(("if_match", "status", "code", "etag_after"), ON_AN_EXISTING_DOCUMENT)
def test_if_match_on_an_existing_document(
    registry: Registry,
    kind: str,
    path: str,
    body: dict[str, Any],
    if_match: str,
    status: int,
    code: str | None,
    etag_after: str,
) -> None:
    for _ in range(CURRENT):
        put(kind, path, body)
    resp = put(kind, path, body, if_match=if_match)
    assert resp.status == status
    if status == 200:
        assert (resp.json, resp.headers["ETag"]) == (body, etag_after)
    else:
        assert resp.code == code
    if status == 412:
        assert resp.json["error"]["details"] == {"currentVersion": CURRENT}
    assert get(kind, path, body["id"]).headers["ETag"] == etag_after


@pytest.mark.parametrize(("kind", "path", "body"), KINDS)
@pytest.mark.parametrize("if_match", ["*", '"1"'], ids=["any-version", "a-version"])
def test_if_match_on_a_missing_document_is_412_and_creates_nothing(
    registry: Registry, kind: str, path: str, body: dict[str, Any], if_match: str
) -> None:
    resp = put(kind, path, body, if_match=if_match)
    assert (resp.status, resp.code) == (412, "ETAG_MISMATCH")
    assert resp.json["error"]["details"] == {"currentVersion": None}
    assert get(kind, path, body["id"]).status == 404


def names(registry: Registry) -> ContainerNames:
    s = registry.settings
    return ContainerNames(s.cosmos_container_carrier_services, s.cosmos_container_sourcing_rules)


def test_a_document_stored_before_versions_reads_as_version_1(registry: Registry) -> None:
    """Documents written before the version field existed carry none."""
    spec = ContainerSpec(names(registry).carrier_services, "/enterpriseCode")
    registry.documents().container(spec).create(dict(GROUND))
    assert get("carrier_service", "carrier-services", GROUND["id"]).headers["ETag"] == '"1"'
    updated = put("carrier_service", "carrier-services", GROUND, if_match='"1"')
    assert (updated.status, updated.headers["ETag"]) == (200, '"2"')
    stored = registry.documents().container(spec).read(GROUND["id"], "BEAUTY_US")
    assert {k: v for k, v in stored.items() if not k.startswith("_")} == {**GROUND, "version": 2}


class RivalFirst:
    """A store on which the first write the PUT attempts lets a rival write first, as if
    another PUT had landed between this one's read and its write."""

    def __init__(self, inner: DocumentStore, rival: Callable[[], None]) -> None:
        self._inner = inner
        self._rival: Callable[[], None] | None = rival

    def container(self, spec: ContainerSpec) -> Any:
        return _RivalFirstContainer(self._inner.container(spec), self)

    def check(self) -> str:
        return self._inner.check()

    def let_rival_write(self) -> None:
        rival, self._rival = self._rival, None
        if rival is not None:
            rival()


class _RivalFirstContainer:
    def __init__(self, inner: Any, store: RivalFirst) -> None:
        self._inner = inner
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create(self, doc: Document) -> Document:
        self._store.let_rival_write()
        return self._inner.create(doc)  # type: ignore[no-any-return]

    def replace(self, doc: Document, *, if_match: str | None = None) -> Document:
        self._store.let_rival_write()
        return self._inner.replace(doc, if_match=if_match)  # type: ignore[no-any-return]


RIVALS = [
    pytest.param("carrier_service", "carrier-services", GROUND, id="carrier-service"),
    pytest.param("sourcing_rule", "sourcing-rules", HOME, id="sourcing-rule"),
]


def rival_writer(registry: Registry, kind: str, body: dict[str, Any]) -> Callable[[], None]:
    """One PUT without If-Match, through a repository on the plain store."""
    repo = SourcingRepository(registry.documents(), names(registry))

    def write() -> None:
        if kind == "carrier_service":
            repo.put_carrier_service(CarrierService.model_validate(body), None)
        else:
            repo.put_rule(SourcingRule.model_validate(body), None)

    return write


@pytest.mark.parametrize(("kind", "path", "body"), RIVALS)
@pytest.mark.parametrize(
    ("existing", "if_match", "status", "etag_after"),
    [
        pytest.param(False, None, 200, '"2"', id="create-after-a-rival-created"),
        pytest.param(True, None, 200, '"3"', id="replace-after-a-rival-replaced"),
        pytest.param(True, '"1"', 412, '"2"', id="if-match-read-before-a-rival-replaced"),
    ],
)
def test_a_put_that_loses_a_race_reads_again(
    registry: Registry,
    kind: str,
    path: str,
    body: dict[str, Any],
    existing: bool,
    if_match: str | None,
    status: int,
    etag_after: str,
) -> None:
    rival = rival_writer(registry, kind, body)
    if existing:
        rival()
    registry.override(documents=RivalFirst(registry.documents(), rival))
    resp = put(kind, path, body, if_match=if_match)
    assert resp.status == status
    if status == 200:
        assert resp.headers["ETag"] == etag_after
    else:
        assert resp.code == "ETAG_MISMATCH"
        assert resp.json["error"]["details"] == {"currentVersion": 2}
    assert get(kind, path, body["id"]).headers["ETag"] == etag_after
