"""What a host does first: import ``function_app`` and build adapters on first use.

The import runs on every cold start, in Azure and in the devhost, before any setting may
be valid: it must touch no socket, write no file, read nothing but code, and pull in no
client SDK. The registry then builds each port on first use, once, even when the first
requests of a worker arrive together.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.cache_memory import MemoryCache
from shared.bootstrap import Registry
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, os, sys
root, prefixes = sys.argv[1], (sys.prefix, sys.base_prefix, sys.exec_prefix)
seen = []
ACTIONS = {"socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo",
           "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "sqlite3.connect",
           "os.mkdir", "os.remove", "os.rename", "os.truncate", "shutil.rmtree"}

def hook(event, args):
    if event in ACTIONS:
        seen.append(f"{event} {args[0]!r}"[:160])
    elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path, mode, flags = os.fsdecode(args[0]), args[1], args[2]
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        code = path.startswith(prefixes) or (
            path.startswith(root) and path.endswith((".py", ".pyc"))
            or os.path.isdir(path))
        if writes or not code:
            seen.append(f"open {path} {mode or flags}")

sys.addaudithook(hook)
import function_app
clients = ["azure.cosmos", "azure.eventhub", "azure.identity", "redis", "redis_entraid",
           "sqlalchemy", "pymysql", "alembic", "httpx"]
print(json.dumps({
    "events": seen,
    "clients": sorted(m for m in clients if m in sys.modules),
    "functions": len(function_app.app.get_functions()),
}))
"""


def test_import_function_app_with_an_empty_environment_does_no_io(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-B", "-c", PROBE, str(ROOT)],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    assert report["events"] == []
    assert report["clients"] == []
    assert report["functions"] > 0
    assert list(tmp_path.iterdir()) == []


class CountingCache(MemoryCache):
    """A real in-process cache that counts how often it was constructed.

    Its constructor waits at a barrier for every racing thread: were the builds not
    serialised, all threads would be inside at once and each would build its own cache.
    Serialised, the one builder gives up waiting (a bound, not a measurement) and the
    others find its cache.
    """

    built = 0
    lock = threading.Lock()
    inside: threading.Barrier

    def __init__(self, max_entries: int) -> None:
        with CountingCache.lock:
            CountingCache.built += 1
        with contextlib.suppress(threading.BrokenBarrierError):
            CountingCache.inside.wait(timeout=0.5)
        super().__init__(max_entries=max_entries)


@pytest.mark.parametrize("threads", [pytest.param(2, id="two"), pytest.param(32, id="thirty-two")])
def test_threads_racing_the_first_use_build_each_port_once(
    threads: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.adapters.cache_memory.MemoryCache", CountingCache)
    CountingCache.built = 0
    CountingCache.inside = threading.Barrier(threads)
    registry = Registry(Settings(LOCAL_DATA_DIR=tmp_path))
    start = threading.Barrier(threads)
    got: list[Any] = []

    def first_request() -> None:
        start.wait()
        cache, documents = registry.cache(), registry.documents()
        got.append((cache, documents))

    workers = [threading.Thread(target=first_request) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert CountingCache.built == 1
        assert len(got) == threads
        assert {id(cache) for cache, _ in got} == {id(registry.cache())}
        assert {id(documents) for _, documents in got} == {id(registry.documents())}
    finally:
        registry.close()


class StuckCache(MemoryCache):
    """A cache whose construction waits until the test lets it go, as a build that waits
    on an unreachable server does."""

    entered = threading.Event()
    release = threading.Event()

    def __init__(self, max_entries: int) -> None:
        StuckCache.entered.set()
        StuckCache.release.wait(timeout=30)
        super().__init__(max_entries=max_entries)


def test_a_stuck_build_holds_back_only_its_own_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.adapters.cache_memory.MemoryCache", StuckCache)
    StuckCache.entered.clear()
    StuckCache.release.clear()
    registry = Registry(Settings(LOCAL_DATA_DIR=tmp_path))
    cache_user = threading.Thread(target=registry.cache)
    cache_user.start()
    try:
        assert StuckCache.entered.wait(timeout=30)
        documents_built = threading.Event()
        threading.Thread(target=lambda: (registry.documents(), documents_built.set())).start()
        assert documents_built.wait(timeout=30)
    finally:
        StuckCache.release.set()
        cache_user.join()
        registry.close()
