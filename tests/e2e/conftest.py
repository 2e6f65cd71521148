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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared.settings import Settings
from tests.conftest import TEST_SIGNING_KEY

ROOT = Path(__file__).resolve().parents[2]
BOUND = 30.0
"""Seconds: an upper bound on waiting for the host, never a measured duration."""
SEED_PRODUCTS = 200
T = TypeVar("T")


def _setting_names() -> set[str]:
    """Every environment name the app reads, so a developer's shell cannot leak into
    the system under test (a REDIS_URL or COSMOS_ENDPOINT would change its adapters)."""
    names: set[str] = set()
    for info in Settings.model_fields.values():
        if info.alias:
            names.add(info.alias.upper())
        choices = getattr(info.validation_alias, "choices", ())
        names.update(str(c).upper() for c in choices)
    return names


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


def _run_seed(workdir: Path, env: dict[str, str]) -> str:
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
    return done.stdout


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


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    workdir = tmp_path_factory.mktemp("e2e")
    shutil.copy(ROOT / "host.json", workdir / "host.json")
    env = user_environment(workdir)
    seeded = _run_seed(workdir, env)
    assert seeded.rstrip().endswith("seeded: sql, confighub, sourcing, catalog, inventory")
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
