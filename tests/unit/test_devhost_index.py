"""What the devhost reads from a FunctionApp's decorators, and what it refuses."""

from __future__ import annotations

import azure.functions as func
import pytest

from devhost.expressions import settings_values
from devhost.index import HTTP_METHODS, RetrySpec, index_app


def _app() -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="things/{id:int}", methods=["GET", "post"])
    def get_thing(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    @app.route()
    def default_route(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    @app.function_name("hourly")
    @app.retry(strategy="fixed_delay", max_retry_count="2", delay_interval="00:00:04")
    @app.timer_trigger(arg_name="timer", schedule="0 0 * * * *", run_on_startup=True)
    def hourly_job(timer: func.TimerRequest) -> None:
        return None

    @app.event_hub_message_trigger(
        arg_name="events",
        event_hub_name="%HUB_INVENTORY_UPDATES%",
        connection="C",
        cardinality="many",
        consumer_group="%GROUP%",
    )
    def on_inventory(events: list[func.EventHubEvent]) -> None:
        return None

    @app.cosmos_db_trigger(
        arg_name="docs",
        connection="C",
        database_name="db",
        container_name="%COSMOS_CONTAINER_INVENTORY%",
        lease_container_prefix="inv-",
        max_items_per_invocation=25,
        # azure-functions annotates this flag as ``time``; the binding takes a bool
        start_from_beginning=True,  # type: ignore[arg-type]
    )
    def on_changes(docs: func.DocumentList) -> None:
        return None

    @app.event_hub_message_trigger(arg_name="e", event_hub_name="%MISSING%", connection="C")
    def unresolved(e: func.EventHubEvent) -> None:
        return None

    @app.route(route="bad/{x?}/y")
    def bad_route(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    @app.queue_trigger(arg_name="msg", queue_name="q", connection="C")
    def on_queue(msg: func.QueueMessage) -> None:
        return None

    @app.route(route="with-output")
    @app.queue_output(arg_name="out", queue_name="q", connection="C")
    def with_output(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
        return func.HttpResponse("")

    return app


def test_index_reads_every_trigger_and_reports_what_it_cannot_run() -> None:
    index = index_app(_app(), {"GROUP": "inventory-group"}, settings_values(), "api")
    assert [(f.target.name, f.template.text, sorted(f.methods)) for f in index.http] == [
        ("get_thing", "api/things/{id:int}", ["GET", "POST"]),
        ("default_route", "api/default_route", sorted(HTTP_METHODS)),
    ]
    [timer] = index.timers
    assert (timer.target.name, timer.schedule.cron, timer.run_on_startup) == (
        "hourly",
        "0 0 * * * *",
        True,
    )
    assert timer.target.retry == RetrySpec(2, 4.0, 4.0, exponential=False)
    [hub] = index.hubs
    assert (hub.target.name, hub.target.arg_name, hub.hub, hub.consumer_group, hub.many) == (
        "on_inventory",
        "events",
        "inventory-updates",
        "inventory-group",
        True,
    )
    [feed] = index.cosmos
    assert (feed.container, feed.lease_prefix, feed.max_items, feed.start_from_beginning) == (
        "inventory",
        "inv-",
        25,
        True,
    )
    assert index.unsupported == [
        ("unresolved", "binding expression %MISSING% names an app setting that is not set"),
        ("bad_route", "route 'api/bad/{x?}/y': optional parameter not at the end"),
        ("on_queue", "trigger type 'queueTrigger'"),
        ("with_output", "bindings the devhost does not provide: ['queue']"),
    ]


def test_an_app_can_be_indexed_again_but_duplicate_names_are_still_refused() -> None:
    app = _app()
    first = index_app(app, {"GROUP": "g"}, settings_values(), "api")
    again = index_app(app, {"GROUP": "g"}, settings_values(), "api")
    assert [f.target.name for f in again.http] == [f.target.name for f in first.http]
    disabled = index_app(
        app, {"GROUP": "g", "AzureWebJobs.hourly.Disabled": "true"}, settings_values(), "api"
    )
    assert (disabled.timers, disabled.unsupported[0]) == (
        [],
        ("hourly", "disabled by AzureWebJobs.hourly.Disabled"),
    )

    @app.route(route="other")
    def get_thing(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    with pytest.raises(ValueError, match="get_thing"):
        index_app(app, {"GROUP": "g"}, settings_values(), "api")
