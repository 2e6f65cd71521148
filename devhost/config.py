"""The two files the Functions host reads at startup: ``host.json`` and
``local.settings.json``.

``local.settings.json`` ``Values`` become environment variables, but a variable that is
already set wins, as with Core Tools; its ``Host.LocalHttpPort`` is the default port.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devhost.index import RetrySpec
from shared.errors import ConfigurationError

DEFAULT_PORT = 7071


@dataclass(frozen=True)
class HostConfig:
    route_prefix: str = "api"
    max_event_batch_size: int = 100
    retry: RetrySpec | None = None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a JSON object")
    return data


def load_host_config(path: Path) -> HostConfig:
    if not path.exists():
        return HostConfig()
    data = _read_json(path)
    extensions = data.get("extensions") or {}
    http = extensions.get("http") or {}
    hubs = extensions.get("eventHubs") or {}
    prefix = http.get("routePrefix", "api")
    batch = hubs.get("maxEventBatchSize", 100)
    if not isinstance(prefix, str) or not isinstance(batch, int) or batch < 1:
        raise ConfigurationError(f"{path}: bad extensions.http.routePrefix or maxEventBatchSize")
    retry = RetrySpec.from_dict(data["retry"]) if isinstance(data.get("retry"), dict) else None
    return HostConfig(route_prefix=prefix.strip("/"), max_event_batch_size=batch, retry=retry)


@dataclass(frozen=True)
class LocalSettings:
    applied: tuple[str, ...]
    kept: tuple[str, ...]
    port: int | None
    cors: tuple[str, ...] = ()


def apply_local_settings(
    path: Path, environ: MutableMapping[str, str] | None = None
) -> LocalSettings:
    """Copy ``Values`` into the environment; returns which names it set and which it
    left alone because the environment already had them."""
    env = os.environ if environ is None else environ
    if not path.exists():
        return LocalSettings((), (), None)
    data = _read_json(path)
    values = data.get("Values") or {}
    if not isinstance(values, dict):
        raise ConfigurationError(f"{path}: Values must be an object")
    applied: list[str] = []
    kept: list[str] = []
    for name, value in values.items():
        if name in env:
            kept.append(name)
            continue
        env[name] = "" if value is None else str(value)
        applied.append(name)
    host = data.get("Host") or {}
    port = host.get("LocalHttpPort")
    cors = tuple(o.strip() for o in str(host.get("CORS") or "").split(",") if o.strip())
    return LocalSettings(tuple(applied), tuple(kept), int(port) if port else None, cors)
