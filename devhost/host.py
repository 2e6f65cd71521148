"""The devhost itself: one Function app, its HTTP server and its background triggers.

It runs on the process registry (``shared.bootstrap.registry()``) so the functions and
the pumps share one local bus and one embedded store. Pumps are skipped, with a note,
when the settings point the bus or the document store at Azure.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Mapping

import azure.functions as func
import uvicorn

from devhost.config import HostConfig
from devhost.cosmos import CosmosPump, LeaseStore
from devhost.eventhubs import EventHubPump
from devhost.expressions import settings_values
from devhost.httpserver import Router, build_asgi
from devhost.index import AppIndex, index_app
from devhost.pump import Pump
from devhost.timers import TimerRunner
from shared import bootstrap
from shared.ports import ChangeFeedSource

log = logging.getLogger("devhost")

JOIN_TIMEOUT = 10.0
STARTUP_TIMEOUT = 15.0


class DevHost:
    def __init__(
        self,
        app: func.FunctionApp,
        *,
        host: str = "127.0.0.1",
        port: int = 7071,
        poll_interval: float = 0.2,
        config: HostConfig | None = None,
        env: Mapping[str, str] | None = None,
        quiet: bool = False,
        cors: tuple[str, ...] = (),
    ) -> None:
        self.config = config or HostConfig()
        self.registry = bootstrap.registry()
        environ = os.environ if env is None else env
        self.index: AppIndex = index_app(
            app,
            environ,
            settings_values(self.registry.settings),
            self.config.route_prefix,
            environ.get("WEBSITE_TIME_ZONE"),
        )
        self.notes: list[str] = [f"skipped {n}: {why}" for n, why in self.index.unsupported]
        self.router = Router(self.index.http)
        self.timers = [TimerRunner(t) for t in self.index.timers]
        self.poll_interval = poll_interval
        self.pumps: list[Pump] = self._build_pumps(poll_interval)
        self._socket = _bind(host, port)
        self.host = host
        self.port = int(self._socket.getsockname()[1])
        self.server = uvicorn.Server(
            uvicorn.Config(
                build_asgi(self.router, cors),
                lifespan="off",
                log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
                access_log=not quiet,
                log_level="warning" if quiet else "info",
            )
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        root = f"http://{self.host}:{self.port}"
        return f"{root}/{self.config.route_prefix}" if self.config.route_prefix else root

    def _build_pumps(self, poll_interval: float) -> list[Pump]:
        pumps: list[Pump] = []
        s = self.registry.settings
        if self.index.hubs:
            if s.eventhub_namespace or s.eventhub_connection_string:
                self.notes.append("Event Hubs settings point to Azure: hub triggers not run")
            else:
                from shared.adapters.events_local import LocalBus

                bus = self.registry.events()
                if isinstance(bus, LocalBus):
                    pumps.extend(
                        EventHubPump(
                            fn,
                            bus,
                            batch_size=self.config.max_event_batch_size,
                            poll_interval=poll_interval,
                            host_retry=self.config.retry,
                        )
                        for fn in self.index.hubs
                    )
                else:
                    self.notes.append("the event publisher is not the local bus: hubs not run")
        if self.index.cosmos:
            store = None if s.cosmos_endpoint else self.registry.documents()
            if isinstance(store, ChangeFeedSource):
                leases = LeaseStore(self.registry.documents(), s.cosmos_container_leases)
                pumps.extend(
                    CosmosPump(fn, store, leases, poll_interval=poll_interval)
                    for fn in self.index.cosmos
                )
            else:
                self.notes.append("COSMOS_ENDPOINT points to Azure: Cosmos triggers not run")
        return pumps

    def banner(self) -> list[str]:
        root = f"http://{self.host}:{self.port}/"
        lines = [
            f"http   {','.join(sorted(fn.methods))} {root}{fn.template.text}  ({fn.target.name})"
            for fn in self.router.functions
        ]
        lines += [t.describe() for t in self.timers]
        lines += [p.describe() for p in self.pumps]
        return lines + self.notes

    def start_background(self) -> None:
        """Start the triggers and the HTTP server on threads; returns once it listens."""
        try:
            self._start_triggers()
        except BaseException:
            self.stop()
            raise
        thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, name="devhost-http"
        )
        thread.start()
        self._threads.append(thread)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self.server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the devhost HTTP server did not start")
            time.sleep(0.01)

    def serve_forever(self) -> None:
        """Run the HTTP server on this thread until Ctrl-C, then stop everything."""
        try:
            self._start_triggers()
            self.server.run(sockets=[self._socket])
        finally:
            self.stop()

    def _start_triggers(self) -> None:
        for pump in self.pumps:
            pump.start()
        for timer in self.timers:
            timer.start()
        hub_pumps = [p for p in self.pumps if isinstance(p, EventHubPump)]
        if hub_pumps:
            watcher = threading.Thread(
                target=self._watch_bus, args=(hub_pumps,), name="devhost-bus", daemon=True
            )
            watcher.start()
            self._threads.append(watcher)

    def _watch_bus(self, pumps: list[EventHubPump]) -> None:
        """Wake the hub pumps as soon as something is published, instead of polling."""
        bus = pumps[0].bus
        while not self._stop.is_set():
            if bus.wait(self.poll_interval):
                for pump in pumps:
                    pump.wake()

    def drain(self, timeout: float = 5.0) -> None:
        """Wait until every pump delivered what was published or changed before the call."""
        deadline = time.monotonic() + timeout
        behind = [p.name for p in self.pumps if not p.drain(max(0.0, deadline - time.monotonic()))]
        if behind:
            raise TimeoutError(f"not drained within {timeout}s: {', '.join(behind)}")

    def stop(self) -> None:
        self._stop.set()
        self.server.should_exit = True
        runners: list[Pump | TimerRunner] = [*self.pumps, *self.timers]
        for runner in runners:
            runner.stop()
        stuck = [r.name for r in runners if not r.join(JOIN_TIMEOUT)]
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT)
            if thread.is_alive():
                stuck.append(thread.name)
        self._socket.close()
        if stuck:
            log.warning("still running after stop: %s", ", ".join(stuck))


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every keep-alive response waits ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock
