"""Liveness and dependency health, anonymous: names adapters, never secrets.

``ok`` and ``degraded`` (a cache, bus or catalog source down, named) are 200: the
instance serves. ``unavailable`` (a store of record down) is 503.
"""

from __future__ import annotations

import azure.functions as func

from functions._http import Call, Reply, endpoint
from shared import bootstrap
from shared.bootstrap.health import health_status

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint()
def health(call: Call[None, None, None]) -> Reply:
    report = bootstrap.registry().health()
    status = health_status(report)
    body: dict[str, object] = {
        "status": status,
        "checks": {name: "ok" if ok else "failed" for name, (ok, _) in report.items()},
        "adapters": {name: detail for name, (ok, detail) in report.items() if ok},
    }
    failed = sorted(name for name, (ok, _) in report.items() if not ok)
    if failed:
        body["failures"] = {name: report[name][1] for name in failed}
    return Reply(503 if status == "unavailable" else 200, body)
