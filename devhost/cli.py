"""``python -m devhost serve | seed | token``: the local host's command line.

Every command first loads ``local.settings.json`` ``Values`` into the environment (the
environment wins), as the Functions host does, then reads ``shared.settings``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from devhost.config import DEFAULT_PORT, LocalSettings, apply_local_settings, load_host_config
from shared.errors import ConfigurationError
from shared.settings import reset_settings

log = logging.getLogger("devhost")


def _load_settings(path: Path) -> LocalSettings:
    local = apply_local_settings(path)
    reset_settings()
    return local


def serve(args: argparse.Namespace) -> int:
    from devhost.host import DevHost
    from devhost.index import load_app
    from shared import bootstrap

    local = _load_settings(Path(args.settings))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if local.applied:
        print(f"loaded {len(local.applied)} values from {args.settings}")
    app = load_app(args.app)
    port = args.port if args.port is not None else local.port or DEFAULT_PORT
    host = DevHost(
        app,
        host=args.host,
        port=port,
        poll_interval=args.poll_interval,
        config=load_host_config(Path("host.json")),
        cors=local.cors,
    )
    print(f"devhost serving {args.app} on {host.base_url} (Ctrl-C stops)")
    for line in host.banner():
        print("  " + line)
    sys.stdout.flush()
    try:
        host.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bootstrap.reset()
        print("devhost stopped", flush=True)
    return 0


def seed(args: argparse.Namespace) -> int:
    from devhost.progress import Progress
    from devhost.seed import SEEDERS
    from shared import bootstrap

    _load_settings(Path(args.settings))
    progress = Progress()
    registry = bootstrap.registry()
    try:
        progress.begin("sql")
        progress.note(f"migrated ({registry.sql().check()})")
        for name, seeder in SEEDERS:
            progress.begin(name)
            seeder(registry, progress)
    finally:
        bootstrap.reset()
    print(f"seeded: {', '.join(['sql', *(name for name, _ in SEEDERS)])}")
    return 0


def token(args: argparse.Namespace) -> int:
    from shared.adapters.tokens import local_signing_key, mint_local_token
    from shared.security import ALL_ROLES
    from shared.settings import get_settings

    unknown = sorted(set(args.role) - ALL_ROLES)
    if unknown:
        print(
            f"unknown role(s): {', '.join(unknown)}; known roles: {', '.join(sorted(ALL_ROLES))}",
            file=sys.stderr,
        )
        return 2
    _load_settings(Path(args.settings))
    settings = get_settings()
    if settings.auth_mode != "local":
        print("note: AUTH_MODE is not 'local'; the app will not accept this token", file=sys.stderr)
    key = local_signing_key(settings.auth_local_signing_key, settings.local_data_dir)
    print(mint_local_token(key, subject=args.sub, roles=args.role, ttl_seconds=args.ttl))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    root.add_argument(
        "--settings", default="local.settings.json", help="local settings file (Values)"
    )
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the Function app with all its triggers")
    p.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT}")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--app", default="function_app:app", help="module:attribute")
    p.add_argument("--poll-interval", type=float, default=0.2, help="seconds between feed reads")
    p.set_defaults(run=serve)

    p = commands.add_parser("seed", help="prepare the local stores and load demo data")
    p.set_defaults(run=seed)

    p = commands.add_parser("token", help="print a bearer token signed with the local key")
    p.add_argument("--role", action="append", required=True, help="repeat for several roles")
    p.add_argument("--sub", default="developer", help="subject (the caller's name)")
    p.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    p.set_defaults(run=token)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except ConfigurationError as exc:
        print(f"configuration error: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
