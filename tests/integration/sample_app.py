"""A test-only Function app exercising every trigger kind the devhost runs.

``build_app(recorder)`` returns a fresh app whose functions report to ``recorder``, so
each test sees only its own deliveries. It is not the product app.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

SAMPLE_CONTAINER = "sample_docs"


@dataclass
class Recorder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timer_runs: list[bool] = field(default_factory=list)
    timer_fired: threading.Event = field(default_factory=threading.Event)
    hub_batches: list[list[dict[str, Any]]] = field(default_factory=list)
    hub_meta: list[list[tuple[str | None, int | None]]] = field(default_factory=list)
    hub_singles: list[dict[str, Any]] = field(default_factory=list)
    cosmos_batches: list[list[str]] = field(default_factory=list)
    cosmos_failures_left: int = 0
    cosmos_raised: list[list[str]] = field(default_factory=list)
    cosmos_failed: threading.Event = field(default_factory=threading.Event)


def _echo(req: func.HttpRequest, name: str) -> func.HttpResponse:
    body = {
        "function": name,
        "method": req.method,
        "route": dict(req.route_params),
        "query": dict(req.params),
        "header": req.headers.get("x-sample"),
        "body": req.get_body().decode(),
        "url": req.url,
    }
    return func.HttpResponse(
        json.dumps(body), status_code=200, mimetype="application/json", headers={"x-echo": name}
    )


def build_app(rec: Recorder) -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.function_name("items")
    @app.route(route="items/{id}/{part?}", methods=["GET", "PUT"])
    def items(req: func.HttpRequest) -> func.HttpResponse:
        return _echo(req, "items")

    @app.function_name("config_ui")
    @app.route(route="config/ui/{application}", methods=["GET"])
    def config_ui(req: func.HttpRequest) -> func.HttpResponse:
        return _echo(req, "config_ui")

    @app.function_name("config_profile")
    @app.route(route="config/{application}/{profile}", methods=["GET"])
    def config_profile(req: func.HttpRequest) -> func.HttpResponse:
        return _echo(req, "config_profile")

    @app.function_name("numbers")
    @app.route(route="numbers/{n:int}", methods=["GET"])
    def numbers(req: func.HttpRequest) -> func.HttpResponse:
        return _echo(req, "numbers")

    @app.function_name("files")
    @app.route(route="files/{*path}", methods=["GET"])
    def files(req: func.HttpRequest) -> func.HttpResponse:
        return _echo(req, "files")

    @app.function_name("boom")
    @app.route(route="boom", methods=["POST"])
    def boom(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("sample failure")

    @app.function_name("async_hello")
    @app.route(route="hello", methods=["GET"])
    async def async_hello(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("hello", status_code=201)

    @app.function_name("plain")
    @app.route(route="plain", methods=["GET"])
    def plain(req: func.HttpRequest) -> str:
        return "just text"

    @app.function_name("wrong_type")
    @app.route(route="wrong-type", methods=["GET"])
    def wrong_type(req: func.HttpRequest) -> Any:
        return {"not": "a response"}

    @app.function_name("tick")
    @app.timer_trigger(arg_name="timer", schedule="* * * * * *", run_on_startup=False)
    def tick(timer: func.TimerRequest) -> None:
        with rec.lock:
            rec.timer_runs.append(timer.past_due)
        rec.timer_fired.set()

    @app.function_name("config_updates")
    @app.event_hub_message_trigger(
        arg_name="events",
        event_hub_name="%HUB_CONFIG_UPDATES%",
        connection="EventHubConnection",
        cardinality="many",
    )
    def config_updates(events: list[func.EventHubEvent]) -> None:
        with rec.lock:
            rec.hub_batches.append([json.loads(e.get_body()) for e in events])
            rec.hub_meta.append([(e.partition_key, e.sequence_number) for e in events])

    @app.function_name("config_updates_one")
    @app.event_hub_message_trigger(
        arg_name="event",
        event_hub_name="%HUB_CONFIG_UPDATES%",
        connection="EventHubConnection",
        consumer_group="single",
    )
    def config_updates_one(event: func.EventHubEvent) -> None:
        with rec.lock:
            rec.hub_singles.append(json.loads(event.get_body()))

    @app.function_name("doc_changes")
    @app.cosmos_db_trigger(
        arg_name="docs",
        connection="CosmosConnection",
        database_name="%COSMOS_DATABASE%",
        container_name=SAMPLE_CONTAINER,
        max_items_per_invocation=10,
    )
    def doc_changes(docs: func.DocumentList) -> None:
        ids = [d["id"] for d in docs]
        with rec.lock:
            if rec.cosmos_failures_left > 0:
                rec.cosmos_failures_left -= 1
                rec.cosmos_raised.append(ids)
                rec.cosmos_failed.set()
                raise RuntimeError("sample cosmos failure")
            rec.cosmos_batches.append(ids)

    return app
