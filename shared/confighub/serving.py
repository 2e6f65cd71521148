"""The read side of ConfigHub: Spring environments, the storefront's UI config, and the
change-event consumer that keeps their cache fresh. Every read here is cached under the
generation stamps of ``envcache``; a miss costs one SQL query.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.confighub import spring
from shared.confighub.changes import EVENT_TYPES, SecretRule
from shared.confighub.envcache import EnvironmentCache
from shared.confighub.model import Environment
from shared.confighub.values import validate_label
from shared.errors import BadRequest, RuleViolation
from shared.events import EventEnvelope

if TYPE_CHECKING:
    from shared.confighub.repository import ConfigStore

log = logging.getLogger("confighub.serving")
CHANGE_EVENT_TYPES = frozenset(EVENT_TYPES.values())


@dataclass(frozen=True)
class ConfigHubOptions:
    """What ConfigHub reads from ``Settings``; the defaults live there only."""

    default_label: str
    hub: str
    service_id: str
    secret_pattern: str


class ConfigServing:
    def __init__(
        self, store: ConfigStore, environments: EnvironmentCache, options: ConfigHubOptions
    ) -> None:
        self._store = store
        self._envs = environments
        self.options = options
        self.secrets = SecretRule(re.compile(options.secret_pattern))

    def handle_config_events(self, events: Sequence[EventEnvelope]) -> list[str]:
        """Invalidate the environments of the applications the events name; a repeated
        or stale event only invalidates again, which is harmless."""
        applications = [e.subject for e in events if e.event_type in CHANGE_EVENT_TYPES]
        self._envs.invalidate(applications)
        return list(dict.fromkeys(applications))

    # --- Spring Cloud Config -------------------------------------------------------
    def get_environment(self, application: str, profile: str, label: str | None) -> Environment:
        label = label or self.options.default_label
        layers = spring.layers(application, profile, label)
        applications = list(dict.fromkeys(layer.application for layer in layers))
        cached, stamp = self._envs.get(application, profile, label, applications)
        if cached is not None:
            return cached
        env = spring.build_environment(
            application, profile, label, self._store.fetch_layers(layers)
        )
        self._envs.put(application, profile, label, stamp, env)
        return env

    def get_ui_config(
        self, application: str, profile: str | None, label: str | None = None
    ) -> dict[str, str]:
        """The storefront's public settings: ``ui_consume`` and never a secret. Cached
        like environments, since every storefront page load asks for them. ``label``
        lets a release storefront read its own label before it becomes the default."""
        if label is None:
            label = self.options.default_label
        else:
            try:
                validate_label(label)
            except RuleViolation as exc:
                raise BadRequest(exc.message, code=exc.code, details=exc.details) from None
        parts = (application, profile or "", label)
        cached, stamp = self._envs.lookup("ui", parts, [application])
        if isinstance(cached, dict):
            return cached
        rows = self._store.ui_properties(application, label)
        merged: dict[str, str] = {}
        for wanted in (None, profile) if profile else (None,):
            for config in rows:
                if config.profile == wanted and not self.secrets.is_secret(config.prop):
                    merged[config.prop] = config.val
        self._envs.store("ui", parts, stamp, merged)
        return merged
