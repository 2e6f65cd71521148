"""Shared fixtures: an isolated registry on embedded adapters, and the real local servers.

With ``CI=true`` a real server that does not answer fails the run instead of skipping,
so CI can never go green without exercising the Azure adapters.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import bootstrap
from shared.bootstrap import Registry
from shared.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
MARIADB_URL = os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root:@127.0.0.1:3306")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SIGNING_KEY = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    if port_open(host, port):
        return
    message = f"{name} is not answering on {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (CI=true: real servers are required)")
    pytest.skip(message)


def embedded_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "LOCAL_DATA_DIR": tmp_path,
        "SQL_URL": f"sqlite:///{tmp_path / 'confighub.db'}",
        "DOCUMENTS_PATH": tmp_path / "documents.db",
        "AUTH_LOCAL_SIGNING_KEY": TEST_SIGNING_KEY,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    """A fresh registry on embedded adapters under ``tmp_path``, installed process-wide."""
    reg = Registry(embedded_settings(tmp_path))
    with bootstrap.use_registry(reg):
        yield reg


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A fresh, empty MariaDB database for one test; dropped afterwards."""
    require_server("MariaDB", "127.0.0.1", 3306)
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(MARIADB_URL + "/")
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield f"{MARIADB_URL}/{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    require_server("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture
def unique_prefix() -> str:
    return f"test:{uuid.uuid4().hex[:10]}:"


@pytest.fixture(scope="session")
def cosmos_server() -> Iterator[tuple[str, str]]:
    """``(endpoint, key)`` of a cosmosdb-server started for this session (tests/cosmos_server.py).

    Use your own database name per test; the server keeps everything in memory.
    """
    from tests import cosmos_server as harness

    problem = harness.missing_prerequisite()
    if problem is not None:
        message = f"cosmosdb-server cannot start: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI=true: real servers are required)")
        pytest.skip(message)
    with harness.running_cosmos_server() as endpoint:
        yield endpoint, harness.EMULATOR_KEY
