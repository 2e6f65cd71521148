"""The SQL port: one SQLAlchemy Core engine for MySQL (Azure) or SQLite (embedded).

Schema changes are Alembic revisions under ``shared/migrations/versions``; each context
adds its own. ``migrate()`` brings a database to head and is safe to run repeatedly.

MySQL over TLS always verifies the server: its certificate against a CA bundle (certifi's
Mozilla roots, which hold the roots Azure Database for MySQL chains to, or the URL's
``ssl_ca``) and its host name. pymysql alone verifies nothing when it is given no CA, and
``ssl_verify_cert`` without ``ssl_verify_identity`` skips the host name, so the URL's
``ssl_*`` options are read here into one verifying context. An Entra token is a password:
with ``SQL_AUTH=entra`` TLS is on whatever the URL says.

Every MySQL call has a deadline: opening a connection, or waiting for a pooled one,
``SQL_CONNECT_TIMEOUT_SECONDS``; one statement's answer (or the server accepting what is
sent) ``SQL_READ_TIMEOUT_SECONDS``. pymysql waits forever by default, and SQLAlchemy's
pool 30 s.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from typing import Any

import certifi
from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from shared.errors import ConfigurationError, Unavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MYSQL_ENTRA_SCOPE = "https://ossrdbms-aad.database.windows.net/.default"
_FALSE = frozenset({"0", "false", "no", "none", "off"})


def mysql_tls(url: URL, *, required: bool) -> tuple[URL, ssl.SSLContext | None]:
    """The URL without its ``ssl_*`` options, and the verifying context they ask for (or
    that ``required`` imposes); ``None`` when the connection is plain (local servers)."""
    options = {k: v for k, v in url.query.items() if k.startswith("ssl")}
    if not options and not required:
        return url, None
    for name in ("ssl_verify_cert", "ssl_verify_identity", "ssl_check_hostname"):
        value = options.get(name)
        if isinstance(value, str) and value.lower() in _FALSE:
            raise ConfigurationError(
                f"SQL_URL: {name}={value} is refused: TLS to MySQL always verifies the server"
            )
    known = {"ssl_ca", "ssl_verify_cert", "ssl_verify_identity", "ssl_check_hostname"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigurationError(f"SQL_URL: unsupported TLS option(s) {', '.join(unknown)}")
    ca = options.get("ssl_ca")
    try:
        context = ssl.create_default_context(cafile=ca if isinstance(ca, str) else certifi.where())
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"SQL_URL: ssl_ca cannot be read ({exc})") from None
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return url.difference_update_query(list(options)), context


class SqlDatabase:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 5,
        token_provider: Any | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
    ) -> None:
        """``token_provider`` is an azure-identity credential: when given, each new
        MySQL connection uses a fresh Entra access token as its password."""
        self._url = make_url(url)
        self._pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._token_provider = token_provider
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self._url.get_backend_name()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = self._create_engine()
            return self._engine

    def _create_engine(self) -> Engine:
        if self.dialect == "sqlite":
            database = self._url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                self._url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_pre_ping=True,
            )

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

            return engine

        url, context = mysql_tls(self._url, required=self._token_provider is not None)
        connect_args: dict[str, Any] = {
            "charset": "utf8mb4",
            "connect_timeout": self._connect_timeout,
            "read_timeout": self._read_timeout,
            "write_timeout": self._read_timeout,
        }
        if context is not None:
            connect_args["ssl"] = context
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=self._pool_size,
            pool_timeout=self._connect_timeout,
            pool_recycle=1800,
            connect_args=connect_args,
        )
        if self._token_provider is not None:
            provider = self._token_provider

            @event.listens_for(engine, "do_connect")
            def _entra_password(_d: Any, _r: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
                try:
                    cparams["password"] = provider.get_token(MYSQL_ENTRA_SCOPE).token
                except Exception as exc:  # noqa: BLE001 - any credential failure is the same
                    raise Unavailable(
                        f"no Entra token for MySQL (managed identity: {type(exc).__name__})"
                    ) from None

        return engine

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            # First use of an unreachable server: a 503 the caller may retry, not a 500.
            raise Unavailable(f"sql database unreachable ({type(exc).__name__})") from None

    def check(self) -> str:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise Unavailable(f"sql database unreachable ({type(exc).__name__})") from None
        return "mysql" if self.dialect == "mysql" else "sqlite"

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
