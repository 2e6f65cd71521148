"""The system as its users run it: ``python -m devhost seed`` then ``python -m devhost
serve`` as subprocesses in a fresh working directory, tokens minted with ``python -m
devhost token``, everything else over HTTP.

Each test module gets its own seeded system (``system``), so what one module writes
(a reservation, a supply change) never changes what another module reads. When the
module is done the host gets Ctrl-C (SIGINT) and must exit with 0, print ``devhost
stopped`` and no traceback: an operator reads that output.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared.settings import Settings, setting_names
from tests.conftest import MARIADB_URL, REDIS_URL, TEST_SIGNING_KEY, require_server

ROOT = Path(__file__).resolve().parents[2]
BOUND = 30.0
"""Seconds: an upper bound on waiting for the host, never a measured duration."""
SEED_PRODUCTS = 200
T = TypeVar("T")


def _setting_names() -> set[str]:
    """Every environment name the app reads, so a developer's shell cannot leak into
    the system under test (a REDIS_URL or COSMOS_ENDPOINT would change its adapters)."""
    return {n.upper() for field in Settings.model_fields for n in setting_names(field)}


def user_environment(workdir: Path, **overrides: str) -> dict[str, str]:
    names = _setting_names()
    env = {k: v for k, v in os.environ.items() if k.upper() not in names}
    data = workdir / ".local"
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "LOCAL_DATA_DIR": str(data),
            "SQL_URL": f"sqlite:///{data / 'confighub.db'}",
            "DOCUMENTS_PATH": str(data / "documents.db"),
            "AUTH_LOCAL_SIGNING_KEY": TEST_SIGNING_KEY,
            "CATALOG_SEED_PRODUCTS": str(SEED_PRODUCTS),
            **overrides,
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def devhost_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "devhost", *args]


@dataclass
class LiveSystem:
    """A running devhost: ``http`` is anonymous; ``auth(...)`` gives bearer headers."""

    base_url: str
    workdir: Path
    env: dict[str, str]
    log_file: Path
    http: httpx.Client
    _tokens: dict[tuple[tuple[str, ...], str], str] = field(default_factory=dict)

    def token(self, *roles: str, sub: str) -> str:
        """A token from the CLI, as an operator mints one (cached per roles and subject)."""
        key = (tuple(sorted(roles)), sub)
        if key not in self._tokens:
            args = [a for r in roles for a in ("--role", r)]
            done = subprocess.run(
                devhost_command("token", *args, "--sub", sub),
                cwd=self.workdir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=BOUND,
                check=False,
            )
            assert (done.returncode, done.stderr) == (0, ""), done.stderr
            self._tokens[key] = done.stdout.strip()
        return self._tokens[key]

    def auth(self, *roles: str, sub: str = "e2e-operator") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*roles, sub=sub)}"}

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}})

    def output(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")


def eventually(probe: Callable[[], T], expected: T, bound: float = 10.0) -> T:
    """Polls ``probe`` until it returns ``expected`` or ``bound`` seconds pass; returns
    the last value, so the caller's assertion shows what the system answered instead.
    For effects that travel through the devhost's pumps (change feed, event hubs)."""
    deadline = time.monotonic() + bound
    value = probe()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        value = probe()
    return value


def seed(workdir: Path, env: dict[str, str]) -> None:
    """``python -m devhost seed``, as ``make run`` does first."""
    done = subprocess.run(
        devhost_command("seed"),
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=4 * BOUND,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("seeded: sql, confighub, sourcing, catalog, inventory")


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, log_file: Path) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base_url}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"devhost never became healthy:\n{log_file.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


@contextmanager
def running_system(
    workdir: Path, seeded: Path | None = None, **overrides: str
) -> Iterator[LiveSystem]:
    """Serves the app in ``workdir``, on a copy of the ``seeded`` data directory or,
    without one, after seeding it; on exit stops it with Ctrl-C and checks that it
    stopped cleanly."""
    shutil.copy(ROOT / "host.json", workdir / "host.json")
    env = user_environment(workdir, **overrides)
    if seeded is None:
        seed(workdir, env)
    else:
        shutil.copytree(seeded, workdir / ".local")
    port = _free_port()
    log_file = workdir / "devhost.log"
    with log_file.open("wb") as sink:
        proc = subprocess.Popen(
            devhost_command("serve", "--port", str(port)),
            cwd=workdir,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(proc, base_url, log_file)
        with httpx.Client(base_url=base_url, timeout=20) as http:
            yield LiveSystem(base_url, workdir, env, log_file, http)
    finally:
        code = _stop(proc) if proc.poll() is None else proc.returncode
    out = log_file.read_text(encoding="utf-8", errors="replace")
    assert code == 0, out
    assert out.rstrip().endswith("devhost stopped"), out[-2000:]
    at = out.find("Traceback")
    assert at == -1, out[max(0, at - 300) : at + 3000]


@pytest.fixture(scope="session")
def seeded_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded stores after one ``python -m devhost seed``; every module on
    embedded adapters starts from its own copy (seeding costs more than copying)."""
    workdir = tmp_path_factory.mktemp("e2e-seed")
    seed(workdir, user_environment(workdir))
    return workdir / ".local"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, seeded_data: Path) -> Iterator[LiveSystem]:
    """The whole system on embedded adapters, as ``make run`` starts it."""
    with running_system(tmp_path_factory.mktemp("e2e"), seeded_data) as live:
        yield live


SETUPS = [
    pytest.param("embedded", id="embedded"),
    pytest.param(
        "mariadb-redis", id="mariadb-redis", marks=[pytest.mark.mariadb, pytest.mark.redis]
    ),
]
"""Params for a module that also runs on the local servers: its own ``system`` fixture
(``params=SETUPS``) passes ``request`` to ``system_for``."""


@contextmanager
def system_for(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveSystem]:
    workdir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    if request.param == "embedded":
        with running_system(workdir, request.getfixturevalue("seeded_data")) as live:
            yield live
    else:
        with running_system(workdir, **request.getfixturevalue("local_servers")) as live:
            yield live


@pytest.fixture(scope="module")
def local_servers() -> Iterator[dict[str, str]]:
    """Settings that put ConfigHub on a fresh MariaDB database and every cache on Redis
    (the README's "local servers" setup); the database and the keys go afterwards."""
    import redis
    import sqlalchemy as sa

    require_server("MariaDB", "127.0.0.1", 3306)
    require_server("Redis", "127.0.0.1", 6379)
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    prefix = f"{name}:"
    admin = sa.create_engine(MARIADB_URL + "/")
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield {
            "SQL_URL": f"{MARIADB_URL}/{name}",
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
        }
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
