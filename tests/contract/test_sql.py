"""The SQL port on SQLite (embedded) and MariaDB (Azure's MySQL stand-in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.adapters.sql import SqlDatabase
from shared.errors import Unavailable


@pytest.fixture(params=["sqlite", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}"
    else:
        url = request.getfixturevalue("mariadb_url")
    db = SqlDatabase(url)
    yield db
    db.dispose()


def test_migrate_reaches_head_and_is_repeatable(database: SqlDatabase) -> None:
    database.migrate()
    database.migrate()
    with database.engine.connect() as conn:
        heads = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "shared/migrations")
    assert heads == list(ScriptDirectory.from_config(cfg).get_heads())


def test_check_names_the_dialect(database: SqlDatabase) -> None:
    assert database.check() == database.dialect


def test_transaction_rolls_back_on_error(database: SqlDatabase) -> None:
    with database.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t_probe (id INTEGER PRIMARY KEY, v VARCHAR(10))"))
    with pytest.raises(RuntimeError), database.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t_probe (id, v) VALUES (1, 'x')"))
        raise RuntimeError("abort")
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM t_probe")).scalar_one() == 0


def test_pool_pre_ping_survives_a_dropped_connection(database: SqlDatabase) -> None:
    pooled = database.engine.raw_connection()
    assert pooled.dbapi_connection is not None
    pooled.dbapi_connection.close()  # the server side went away while the connection idled
    pooled.close()  # back to the pool, dead
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 41 + 1")).scalar_one() == 42


def test_unreachable_server_is_unavailable_without_the_password() -> None:
    db = SqlDatabase("mysql+pymysql://app:topsecret@127.0.0.1:1/x")
    with pytest.raises(Unavailable) as info:
        db.check()
    assert "topsecret" not in str(info.value)


def test_a_server_that_never_answers_is_unavailable_within_the_deadline() -> None:
    """A listening socket nobody serves: the TCP connection opens (the kernel accepts
    it) and the server's greeting never comes. Without a read deadline pymysql would
    wait for ever; the check runs on a thread, so a hang fails this test, not the run."""
    import socket
    import threading

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    db = SqlDatabase(
        f"mysql+pymysql://app:pw@127.0.0.1:{port}/x", connect_timeout=0.2, read_timeout=0.2
    )
    outcome: list[BaseException] = []

    def check() -> None:
        try:
            db.check()
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(30)
    silent.close()
    assert not worker.is_alive(), "the check waited past every deadline"
    assert [type(e) for e in outcome] == [Unavailable]
    assert str(outcome[0]) == "sql database unreachable (OperationalError)"
