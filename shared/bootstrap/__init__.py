"""Composition root: the one package that knows every side.

``registry`` holds the ports and services of one process (``registry.Registry``), the
context services are assembled in ``services``, and the adapters that let one context use
another's public service live in ``bridges``. Nothing here runs at import time. Tests
install their own registry with ``use_registry`` and start clean with ``reset``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from shared.bootstrap.registry import Registry

__all__ = ["Registry", "registry", "reset", "use_registry"]

_registry_lock = threading.Lock()
_registry: Registry | None = None


def registry() -> Registry:
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = Registry()
    return _registry


def reset() -> None:
    """Close every built piece and start a fresh registry (tests, devhost reloads)."""
    global _registry
    with _registry_lock:
        if _registry is not None:
            _registry.close()
        _registry = None


@contextmanager
def use_registry(reg: Registry) -> Iterator[Registry]:
    """Install ``reg`` as the process registry for the duration of a block (tests)."""
    global _registry
    with _registry_lock:
        previous, _registry = _registry, reg
    try:
        yield reg
    finally:
        with _registry_lock:
            _registry = previous
        reg.close()
