"""Run a Function app in-process for integration tests.

``running_devhost(app)`` serves it on a free port of 127.0.0.1 with every trigger
running, on the process registry (install one first with ``bootstrap.use_registry``).
``handle.drain()`` returns once every Event Hub and Cosmos trigger has delivered what
was published or changed before the call, so a test can assert right after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import azure.functions as func

from devhost.config import load_host_config
from devhost.host import DevHost

HOST_JSON = Path(__file__).resolve().parent.parent / "host.json"


@dataclass(frozen=True)
class DevHostHandle:
    host: DevHost

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/api``: append ``/<route>``."""
        return self.host.base_url

    def drain(self, timeout: float = 5.0) -> None:
        """Raises ``TimeoutError`` naming the triggers still behind (a batch that keeps
        raising never drains)."""
        self.host.drain(timeout)


@contextmanager
def running_devhost(
    app: func.FunctionApp, *, port: int = 0, poll_interval: float = 0.05
) -> Iterator[DevHostHandle]:
    host = DevHost(
        app,
        host="127.0.0.1",
        port=port,
        poll_interval=poll_interval,
        config=load_host_config(HOST_JSON),
        quiet=True,
    )
    host.start_background()
    try:
        yield DevHostHandle(host)
    finally:
        host.stop()
