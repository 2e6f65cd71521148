"""Test harness for ``@vercel/cosmosdb-server``: one server per test session.

The server runs from ``node_modules`` through ``devhost/cosmosdb_server.js`` on a free
port of 127.0.0.1 (HTTPS, self-signed certificate, data in memory). ``TEST_COSMOS_ENDPOINT``
points the tests at a server someone else started instead (``npm run cosmosdb-server``).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "devhost" / "cosmosdb_server.js"
PACKAGE = ROOT / "node_modules" / "@vercel" / "cosmosdb-server"
EMULATOR_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)
"""The well-known public key of the Cosmos DB emulator; local servers only."""

STARTUP_SECONDS = 30.0
_READY = re.compile(r"listening on (https://\S+)")


class CosmosServerError(RuntimeError):
    pass


def missing_prerequisite() -> str | None:
    """Why the server cannot start here, or ``None``."""
    if os.environ.get("TEST_COSMOS_ENDPOINT"):
        return None
    if shutil.which("node") is None:
        return "node is not installed"
    if not PACKAGE.is_dir():
        return "node_modules/@vercel/cosmosdb-server is missing (run npm ci)"
    return None


def answers(endpoint: str) -> bool:
    """True once the server answers HTTPS (any status) on its root."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(endpoint + "/", context=context, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def running_cosmos_server() -> Iterator[str]:
    """The endpoint of a running server; a server started here is stopped afterwards."""
    external = os.environ.get("TEST_COSMOS_ENDPOINT")
    if external:
        if not answers(external):
            raise CosmosServerError(f"TEST_COSMOS_ENDPOINT {external} does not answer")
        yield external
        return
    process = subprocess.Popen(
        ["node", str(LAUNCHER), "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COSMOSDB_SERVER_HOST": "127.0.0.1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    output = process.stdout
    assert output is not None

    def pump() -> None:
        """Drain the server's output so it never blocks on a full pipe."""
        for line in output:
            lines.put(line)

    pumping = threading.Thread(target=pump, name="cosmosdb-server-output", daemon=True)
    pumping.start()
    try:
        yield _wait_until_ready(process, lines)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        pumping.join(timeout=5)
        output.close()


def _wait_until_ready(process: subprocess.Popen[str], lines: queue.Queue[str]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: list[str] = []
    while time.monotonic() < deadline:
        if process.poll() is not None and lines.empty():
            raise CosmosServerError("cosmosdb-server exited: " + "".join(seen[-20:]))
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        ready = _READY.search(line)
        while ready and time.monotonic() < deadline:
            if answers(ready.group(1)):
                return ready.group(1)
            time.sleep(0.2)
    raise CosmosServerError("cosmosdb-server did not start: " + "".join(seen[-20:]))
