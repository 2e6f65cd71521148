"""What the devhost finds in a Function app: its triggers, by kind, with bindings resolved.

It reads the same metadata the Python worker hands the Functions host (the
``azure.functions`` decorators' trigger objects), so a route, schedule, hub or container
means here what it means in Azure.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

from devhost.expressions import resolve
from devhost.ncrontab import Schedule
from devhost.routes import RouteTemplate, join_prefix
from shared.errors import ConfigurationError

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class RetrySpec:
    """A retry policy (``@app.retry`` or host.json ``retry``): retries after the first
    attempt (-1: forever) and the delay before retry ``n`` (1-based)."""

    max_retries: int
    first_delay: float
    max_delay: float
    exponential: bool

    def allows(self, retry: int) -> bool:
        return self.max_retries < 0 or retry <= self.max_retries

    def delay(self, retry: int) -> float:
        if not self.exponential:
            return self.first_delay
        return float(min(self.max_delay, self.first_delay * 2 ** max(0, retry - 1)))

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> RetrySpec:
        """Both spellings: host.json ``maxRetryCount``/``exponentialBackoff``, and the
        decorator's ``max_retry_count``/``exponential_backoff``."""
        flat = {str(k).replace("_", "").lower(): v for k, v in spec.items()}
        strategy = str(flat.get("strategy") or "").replace("_", "").lower()
        count = int(flat.get("maxretrycount") or 0)
        if strategy == "fixeddelay":
            delay = _timespan_seconds(flat.get("delayinterval"))
            return cls(count, delay, delay, exponential=False)
        low = _timespan_seconds(flat.get("minimuminterval"))
        high = _timespan_seconds(flat.get("maximuminterval")) or low
        return cls(count, low, high, exponential=True)


@dataclass(frozen=True)
class Target:
    """One function: its name, the Python callable and the argument its trigger binds."""

    name: str
    user_function: Callable[..., Any]
    arg_name: str
    retry: RetrySpec | None

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.user_function)


@dataclass(frozen=True)
class HttpFunction:
    target: Target
    route: str
    template: RouteTemplate
    methods: frozenset[str]


@dataclass(frozen=True)
class TimerFunction:
    target: Target
    schedule: Schedule
    run_on_startup: bool


@dataclass(frozen=True)
class EventHubFunction:
    target: Target
    hub: str
    consumer_group: str
    many: bool


@dataclass(frozen=True)
class CosmosFunction:
    target: Target
    container: str
    lease_prefix: str
    max_items: int
    start_from_beginning: bool


@dataclass
class AppIndex:
    http: list[HttpFunction] = field(default_factory=list)
    timers: list[TimerFunction] = field(default_factory=list)
    hubs: list[EventHubFunction] = field(default_factory=list)
    cosmos: list[CosmosFunction] = field(default_factory=list)
    unsupported: list[tuple[str, str]] = field(default_factory=list)


def load_app(spec: str) -> func.FunctionApp:
    """Import ``module:attribute`` (``function_app:app``) and check it is a FunctionApp."""
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    app = getattr(module, attribute or "app", None)
    if not isinstance(app, func.FunctionApp):
        raise ConfigurationError(f"{spec!r} is not an azure.functions.FunctionApp")
    return app


def _enum_text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _timespan_seconds(text: str | None) -> float:
    if not text:
        return 0.0
    parts = [float(p) for p in str(text).split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def _retry(fn: func.decorators.function_app.Function) -> RetrySpec | None:
    setting = fn.get_setting("retry_policy")
    return None if setting is None else RetrySpec.from_dict(setting.get_dict_repr())


def index_app(
    app: func.FunctionApp,
    env: Mapping[str, str],
    settings_values: Mapping[str, str],
    route_prefix: str,
    time_zone: str | None = None,
) -> AppIndex:
    """Classify every function. Like the Functions host, a function whose bindings are
    invalid or unsupported is reported and left out; the others still run."""
    index = AppIndex()
    for fn in _functions(app):
        name = fn.get_function_name() or fn.get_user_function().__name__
        if _disabled(env, name):
            index.unsupported.append((name, f"disabled by AzureWebJobs.{name}.Disabled"))
            continue
        try:
            _classify(
                index,
                fn,
                name,
                env=env,
                settings_values=settings_values,
                route_prefix=route_prefix,
                time_zone=time_zone,
            )
        except ConfigurationError as exc:
            index.unsupported.append((name, exc.message))
    return index


def _disabled(env: Mapping[str, str], name: str) -> bool:
    """The host's switch for one function: app setting ``AzureWebJobs.<name>.Disabled``."""
    return env.get(f"AzureWebJobs.{name}.Disabled", "").strip().lower() in ("true", "1")


def _functions(app: func.FunctionApp) -> list[func.decorators.function_app.Function]:
    """``get_functions`` records every name it returns and refuses them the next time,
    as the worker indexes once per process; the devhost indexes once per start (tests
    start several hosts on one app), so it forgets the previous indexing first.
    Duplicate names within the app are still refused."""
    app.functions_bindings = None
    return app.get_functions()


def _classify(
    index: AppIndex,
    fn: func.decorators.function_app.Function,
    name: str,
    *,
    env: Mapping[str, str],
    settings_values: Mapping[str, str],
    route_prefix: str,
    time_zone: str | None,
) -> None:
    trigger = fn.get_trigger()
    if trigger is None:
        index.unsupported.append((name, "no trigger"))
        return
    extra = [
        b.type
        for b in fn.get_bindings()
        if b is not trigger and not (b.type == "http" and b.name == "$return")
    ]
    if extra:
        index.unsupported.append((name, f"bindings the devhost does not provide: {extra}"))
        return
    target = Target(name, fn.get_user_function(), trigger.name, _retry(fn))

    def setting(attribute: str) -> Any:
        return resolve(getattr(trigger, attribute, None), env, settings_values)

    kind = trigger.type
    if kind == "httpTrigger":
        route = setting("route") or name
        methods = getattr(trigger, "methods", None)
        allowed = (
            frozenset((_enum_text(m) or "").upper() for m in methods)
            if methods
            else frozenset(HTTP_METHODS)
        )
        template = RouteTemplate.parse(join_prefix(route_prefix, route))
        index.http.append(HttpFunction(target, route, template, allowed))
    elif kind == "timerTrigger":
        schedule = Schedule.parse(setting("schedule"), time_zone)
        startup = bool(getattr(trigger, "run_on_startup", False))
        index.timers.append(TimerFunction(target, schedule, startup))
    elif kind == "eventHubTrigger":
        many = (_enum_text(getattr(trigger, "cardinality", None)) or "one").lower() == "many"
        group = setting("consumer_group") or "$Default"
        index.hubs.append(EventHubFunction(target, setting("event_hub_name"), group, many))
    elif kind == "cosmosDBTrigger":
        index.cosmos.append(
            CosmosFunction(
                target,
                setting("container_name"),
                setting("lease_container_prefix") or "",
                int(getattr(trigger, "max_items_per_invocation", None) or 100),
                bool(getattr(trigger, "start_from_beginning", None)),
            )
        )
    else:
        index.unsupported.append((name, f"trigger type {kind!r}"))
