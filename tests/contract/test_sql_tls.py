"""MySQL over TLS verifies the server before an Entra token crosses the link.

A refused certificate or a server without TLS must stop the client before its login,
which is the packet that carries the password (``mysql_tls_support`` is the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters.sql import SqlDatabase
from shared.errors import ConfigurationError, Unavailable
from tests.contract.mysql_tls_support import (
    FakeMySql,
    IdentityCredential,
    NoIdentity,
    Pki,
    make_pki,
    server_context,
)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def server_factory(pki: Pki) -> Iterator[Any]:
    servers: list[FakeMySql] = []

    def start(label: str | None) -> FakeMySql:
        server = FakeMySql(None if label is None else server_context(pki, label))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize(
    ("certificate", "query", "entra", "steps"),
    [
        pytest.param(
            "trusted",
            "ssl_ca={ca}",
            True,
            ["tls-request", "tls-established", "login app-identity"],
            id="entra-ca-and-name-match",
        ),
        pytest.param(
            "trusted",
            "ssl_ca={ca}&ssl_verify_cert=true",
            False,
            ["tls-request", "tls-established", "login app-identity"],
            id="password-url-asks-for-tls",
        ),
        pytest.param(
            "self-signed",
            "",
            True,
            ["tls-request", "tls-refused"],
            id="entra-unknown-ca-refused",
        ),
        pytest.param(
            "self-signed",
            "ssl_verify_cert=true",
            False,
            ["tls-request", "tls-refused"],
            id="url-verify-cert-unknown-ca-refused",
        ),
        pytest.param(
            "other-name",
            "ssl_ca={ca}",
            True,
            ["tls-request", "tls-refused"],
            id="entra-name-mismatch-refused",
        ),
        pytest.param(None, "", True, [], id="entra-server-without-tls-refused"),
    ],
)
def test_mysql_tls_verifies_the_server_before_the_login(
    server_factory: Any,
    pki: Pki,
    certificate: str | None,
    query: str,
    entra: bool,
    steps: list[str],
) -> None:
    server = server_factory(certificate)
    suffix = query.format(ca=pki.ca_file)
    url = f"mysql+pymysql://app-identity@127.0.0.1:{server.port}/confighub"
    db = SqlDatabase(
        f"{url}?{suffix}" if suffix else url,
        token_provider=IdentityCredential() if entra else None,
    )
    try:
        with pytest.raises(Unavailable):
            db.check()
    finally:
        db.dispose()
    assert server.finished.wait(30)
    assert server.steps == steps


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "ssl_verify_cert=false",
            "SQL_URL: ssl_verify_cert=false is refused: TLS to MySQL always verifies the server",
            id="verify-cert-off",
        ),
        pytest.param(
            "ssl_verify_identity=0",
            "SQL_URL: ssl_verify_identity=0 is refused: TLS to MySQL always verifies the server",
            id="verify-identity-off",
        ),
        pytest.param(
            "ssl_ca=/nonexistent/ca.pem",
            "SQL_URL: ssl_ca cannot be read ([Errno 2] No such file or directory)",
            id="ca-file-missing",
        ),
        pytest.param(
            "ssl_disabled=true",
            "SQL_URL: unsupported TLS option(s) ssl_disabled",
            id="unknown-option",
        ),
    ],
)
def test_url_options_that_weaken_tls_are_refused_naming_the_setting(
    query: str, message: str
) -> None:
    db = SqlDatabase(f"mysql+pymysql://app@127.0.0.1:1/confighub?{query}")
    with pytest.raises(ConfigurationError) as info:
        db.engine  # noqa: B018 - the engine is built on first use
    assert info.value.message == message


def test_no_entra_token_is_unavailable_and_no_login_is_sent(server_factory: Any, pki: Pki) -> None:
    server = server_factory("trusted")
    db = SqlDatabase(
        f"mysql+pymysql://app-identity@127.0.0.1:{server.port}/confighub?ssl_ca={pki.ca_file}",
        token_provider=NoIdentity(),
    )
    try:
        with pytest.raises(Unavailable) as info:
            db.migrate()
    finally:
        db.dispose()
    assert info.value.message == "no Entra token for MySQL (managed identity: RuntimeError)"
    assert server.steps == []


def test_migrate_against_an_unreachable_server_is_unavailable() -> None:
    db = SqlDatabase("mysql+pymysql://app@127.0.0.1:1/confighub")
    try:
        with pytest.raises(Unavailable) as info:
            db.migrate()
    finally:
        db.dispose()
    assert info.value.message == "sql database unreachable (OperationalError)"
