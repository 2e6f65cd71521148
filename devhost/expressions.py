"""``%SETTING%`` binding expressions, resolved the way the Functions host does.

The host reads app settings (the environment); the devhost then falls back to the
value ``shared.settings.Settings`` gives that name (its default, when unset), so a binding such as
``event_hub_name="%HUB_CONFIG_UPDATES%"`` works with no ``local.settings.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shared.errors import ConfigurationError
from shared.settings import Settings, setting_names

_EXPRESSION = re.compile(r"%([^%]+)%")


def settings_values(settings: Settings | None = None) -> dict[str, str]:
    """Every declared setting name (upper-cased) with its value in ``settings``, or its
    declared default when ``settings`` is None; settings without a value are left out."""
    values: dict[str, str] = {}
    for field_name, info in Settings.model_fields.items():
        if settings is not None:
            value = getattr(settings, field_name)
        elif info.is_required():
            continue
        else:
            value = info.default
        if value is None:
            continue
        for name in setting_names(field_name):
            values[name.upper()] = str(value)
    return values


def resolve(value: Any, env: Mapping[str, str], defaults: Mapping[str, str]) -> Any:
    """Replace each ``%NAME%`` in a string; other values pass through unchanged."""
    if not isinstance(value, str):
        return value

    def lookup(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in env:
            return env[name]
        folded = {k.upper(): v for k, v in env.items()}
        if name.upper() in folded:
            return folded[name.upper()]
        if name.upper() in defaults:
            return defaults[name.upper()]
        raise ConfigurationError(
            f"binding expression %{name}% names an app setting that is not set"
        )

    return _EXPRESSION.sub(lookup, value)
