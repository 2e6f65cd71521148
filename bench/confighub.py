"""ConfigHub benchmark: the Spring endpoint against the raw SQL it needs, and the write
path against a bare insert, on embedded SQLite and (when reachable) MariaDB.

    .venv/bin/python -m bench.confighub [--reads 300] [--writes 200]

Reads go through the registered catch-all trigger (token check, cache, one SELECT,
Environment JSON) for an application with 500 properties across 4 layers: cold (the
application's cache generation bumped before each read) and warm. The raw query is the
same single SELECT on a pooled connection. The write path is ``create_config``: the
row, its audit row and its outbox row in one transaction (also timed alone), then the
after-commit relay to the local bus; the bare insert is one INSERT in its own transaction.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import azure.functions as func
import sqlalchemy as sa

from shared import bootstrap
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.confighub.model import Actor, ConfigDraft
from shared.confighub.repository import ConfigStore
from shared.events import EventEnvelope
from shared.settings import Settings
from tests.app_index import user_function

SIGNING_KEY = "bench-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"
MARIADB = "mysql+pymysql://root:@127.0.0.1:3306"
REDIS = "redis://127.0.0.1:6379/0"
LAYERS = (
    ("bench-app", None, 200),
    ("bench-app", "dev", 100),
    ("application", None, 150),
    ("application", "dev", 50),
)
ENVELOPE = json.dumps(
    {
        "eventId": "bench",
        "eventType": "ConfigCreated",
        "timestamp": "2026-01-01T00:00:00Z",
        "serviceId": "bench",
        "subject": "bench-uow",
        "version": 1,
        "payload": {},
    }
)
RAW = sa.text(
    "SELECT application, profile, label, prop, val FROM config "
    "WHERE application IN ('application', 'bench-app') AND label IN ('main') "
    "AND (profile IS NULL OR profile IN ('dev')) ORDER BY config_id"
)


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def spring_trigger() -> Callable[[], func.HttpResponse]:
    fn = user_function("confighub_spring")
    token = mint_local_token(SIGNING_KEY, subject="bench", roles=["ConfigHub.Reader"])
    req = func.HttpRequest(
        method="GET",
        url="http://localhost/api/confighub/bench-app/dev",
        headers={"Authorization": f"Bearer {token}"},
        params={},
        route_params={"path": "bench-app/dev"},
        body=b"",
    )

    def call() -> func.HttpResponse:
        resp: func.HttpResponse = fn(req)
        assert resp.status_code == 200, resp.get_body()
        return resp

    return call


def seed(reg: Registry) -> None:
    service = reg.confighub()
    actor = Actor(subject="bench")
    for application, profile, count in LAYERS:
        for i in range(count):
            service.create_config(
                ConfigDraft(
                    application=application,
                    profile=profile,
                    prop=f"bench.p{i}",
                    val=f"value-{application}-{profile}-{i}",
                ),
                actor,
            )


def run(name: str, settings: Settings, reads: int, writes: int) -> None:
    reg = Registry(settings)
    with bootstrap.use_registry(reg):
        seed(reg)
        engine = reg.sql().engine
        service = reg.confighub()
        call = spring_trigger()
        with engine.connect() as conn:
            assert len(conn.execute(RAW).all()) == 500

        def raw() -> None:
            with engine.connect() as conn:
                conn.execute(RAW).all()

        def cold() -> None:
            service.handle_config_events(
                [
                    EventEnvelope(
                        event_type="ConfigUpdated",
                        service_id="bench",
                        subject=app,
                        version=1,
                        payload={},
                    )
                    for app in ("bench-app",)
                ]
            )
            call()

        timed(raw, 20)
        timed(call, 20)
        raw_ms = timed(raw, reads)
        cold_ms = timed(cold, reads)
        warm_ms = timed(call, reads)

        actor = Actor(subject="bench")
        counter = iter(range(10**9))

        def write() -> None:
            service.create_config(
                ConfigDraft(application="bench-write", prop=f"w.p{next(counter)}", val="v"), actor
            )

        def bare() -> None:
            now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
            with engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO config (prop, val, val_type, application, profile, "
                        "profile_key, label, ui_consume, version, updated_by, create_dttm, "
                        "update_dttm) VALUES (:prop, 'v', 'STRING', 'bench-bare', NULL, '', "
                        "'main', 0, 1, 'bench', :now, :now)"
                    ),
                    {"prop": f"b.p{next(counter)}", "now": now},
                )

        store = ConfigStore(engine)

        def transaction() -> None:
            now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
            n = next(counter)
            values = {
                "application": "bench-uow",
                "profile": None,
                "label": "main",
                "prop": f"u.p{n}",
                "val": "v",
                "val_type": "STRING",
                "description": None,
                "config_group_id": None,
                "ui_consume": False,
                "version": 1,
                "updated_by": "bench",
                "create_dttm": now,
                "update_dttm": now,
            }
            with store.unit_of_work() as uow:
                config_id = uow.insert_config(values)
                uow.add_audit(
                    {
                        "config_id": config_id,
                        "prop": f"u.p{n}",
                        "operation": "CREATE",
                        "new_val": "v",
                        "new_version": 1,
                        "updated_by": "bench",
                        "create_dttm": now,
                    }
                )
                uow.add_outbox("bench-hub", "bench-uow", "ConfigCreated", ENVELOPE, now)
                uow.commit()

        timed(write, 10)
        timed(bare, 10)
        write_ms = timed(write, writes)
        bare_ms = timed(bare, writes)
        timed(transaction, 10)
        txn_ms = timed(transaction, writes)

    r50, r99 = percentiles(raw_ms)
    print(f"\n== {name} ==  500 properties in 4 layers; {reads} reads, {writes} writes")
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'p50 x':>9}{'p99 x':>9}")
    print(f"{'raw SQL (same rows)':24}{r50:10.3f}{r99:10.3f}{1:9.2f}{1:9.2f}")
    for label, samples in (("spring cold (no cache)", cold_ms), ("spring warm (cached)", warm_ms)):
        p50, p99 = percentiles(samples)
        print(f"{label:24}{p50:10.3f}{p99:10.3f}{p50 / r50:9.2f}{p99 / r99:9.2f}")
    b50, b99 = percentiles(bare_ms)
    w50, w99 = percentiles(write_ms)
    print(f"{'bare INSERT':24}{b50:10.3f}{b99:10.3f}{1:9.2f}{1:9.2f}")
    t50, t99 = percentiles(txn_ms)
    print(f"{'create+audit+outbox txn':24}{t50:10.3f}{t99:10.3f}{t50 / b50:9.2f}{t99 / b99:9.2f}")
    print(f"{'create_config + relay':24}{w50:10.3f}{w99:10.3f}{w50 / b50:9.2f}{w99 / b99:9.2f}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = {
            "LOCAL_DATA_DIR": Path(tmp),
            "AUTH_LOCAL_SIGNING_KEY": SIGNING_KEY,
            "DOCUMENTS_PATH": Path(tmp) / "documents.db",
        }
        sqlite = Settings(**base, SQL_URL=f"sqlite:///{Path(tmp) / 'bench.db'}")  # type: ignore[arg-type]
        run("embedded SQLite + in-memory cache", sqlite, args.reads, args.writes)
        if not port_open(3306):
            print("\nMariaDB not reachable on 127.0.0.1:3306: skipped")
            return
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(MARIADB + "/")
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        try:
            maria = Settings(**base, SQL_URL=f"{MARIADB}/{name}")  # type: ignore[arg-type]
            run("MariaDB + in-memory cache", maria, args.reads, args.writes)
            if port_open(6379):
                name2 = f"{name}_r"
                with admin.begin() as conn:
                    conn.execute(sa.text(f"CREATE DATABASE `{name2}` CHARACTER SET utf8mb4"))
                prefix = f"bench:{uuid.uuid4().hex[:8]}:"
                redis = Settings(  # type: ignore[arg-type]
                    **base, SQL_URL=f"{MARIADB}/{name2}", REDIS_URL=REDIS, REDIS_KEY_PREFIX=prefix
                )
                try:
                    run("MariaDB + Redis cache", redis, args.reads, args.writes)
                finally:
                    import redis as redis_client

                    client = redis_client.Redis.from_url(REDIS)
                    for key in client.scan_iter(f"{prefix}*"):
                        client.delete(key)
                    client.close()
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}_r`"))
            admin.dispose()


if __name__ == "__main__":
    main()
