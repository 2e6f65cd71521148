"""Liveness and dependency health, anonymous: names adapters, never secrets."""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, Reply, endpoint
from shared import bootstrap

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint()
def health(call: Call[None, None, None]) -> Reply:
    report = bootstrap.registry().health()
    failed = sorted(name for name, (ok, _) in report.items() if not ok)
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {name: "ok" if ok else "failed" for name, (ok, _) in report.items()},
        "adapters": {name: detail for name, (ok, detail) in report.items() if ok},
    }
    if failed:
        body["failures"] = {name: report[name][1] for name in failed}
    return Reply(200 if not failed else 503, body)
