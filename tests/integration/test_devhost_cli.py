"""``python -m devhost``: token, seed, and serve against the product app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import devhost.seed
from devhost.cli import main
from devhost.progress import Progress
from shared.adapters.tokens import LocalTokenVerifier
from shared.bootstrap import Registry
from shared.ports import Principal
from shared.settings import reset_settings
from tests.conftest import TEST_SIGNING_KEY

ROOT = Path(__file__).resolve().parents[2]
BOUND = 30.0  # seconds: an upper bound on waits, never a measured duration


@pytest.fixture
def local_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    values = {
        "LOCAL_DATA_DIR": str(tmp_path),
        "SQL_URL": f"sqlite:///{tmp_path / 'confighub.db'}",
        "DOCUMENTS_PATH": str(tmp_path / "documents.db"),
        "AUTH_LOCAL_SIGNING_KEY": TEST_SIGNING_KEY,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield values
    reset_settings()


def test_token_rejects_unknown_roles(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["token", "--role", "ConfigHub.Admin", "--role", "Root"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err.startswith("unknown role(s): Root; known roles: Catalog.Admin, ")


def test_token_is_accepted_by_the_local_verifier(
    local_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_file = str(tmp_path / "absent.json")
    args = ["--settings", settings_file, "token", "--role", "Inventory.Admin", "--sub", "alice"]
    assert main([*args, "--role", "Sourcing.Admin"]) == 0
    token = capsys.readouterr().out.strip()
    assert LocalTokenVerifier(TEST_SIGNING_KEY).verify(token) == Principal(
        subject="alice", roles=frozenset({"Inventory.Admin", "Sourcing.Admin"})
    )


def test_seed_migrates_and_runs_every_seeder_in_order(
    local_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[str, int]] = []

    def seeder(name: str) -> devhost.seed.Seeder:
        def run(registry: Registry, progress: Progress) -> None:
            total = sum(progress.track(range(4), "rows"))
            calls.append((name, total))

        return run

    monkeypatch.setattr(
        devhost.seed, "SEEDERS", [("first", seeder("first")), ("second", seeder("second"))]
    )
    settings_file = str(tmp_path / "absent.json")
    assert main(["--settings", settings_file, "seed"]) == 0
    assert main(["--settings", settings_file, "seed"]) == 0
    out = capsys.readouterr().out
    assert calls == [("first", 6), ("second", 6)] * 2
    assert out.count("seeded: sql, first, second\n") == 2
    assert "  first: rows: done\n" in out
    assert (tmp_path / "confighub.db").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_the_product_app_and_stops_on_ctrl_c(
    local_env: dict[str, str], tmp_path: Path
) -> None:
    port = _free_port()
    env = {**os.environ, **local_env, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "devhost", "--settings", str(tmp_path / "absent.json")]
    proc = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + BOUND
        status = None
        while status is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code
            except httpx.TransportError:
                time.sleep(0.1)
        assert status == 200
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=BOUND)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out
    assert f"  http   GET http://127.0.0.1:{port}/api/health  (health)\n" in out
    assert out.rstrip().endswith("devhost stopped")
