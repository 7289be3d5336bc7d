"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint

from adapters.inbound.http.problem import Problem

log = logging.getLogger("channelhub.http")


def create_health_blueprint(*, ready: Callable[[], bool]) -> Blueprint:
    health = Blueprint("health", __name__)

    @health.get("/healthz", endpoint="healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @health.get("/readyz", endpoint="readyz")
    def readyz() -> dict[str, str]:
        try:
            is_ready = ready()
        except Exception:
            # A probe that raises (the database is down) means "not ready", never a 500.
            log.warning("readiness probe failed", exc_info=True)
            is_ready = False
        if not is_ready:
            raise Problem(
                503, "not-ready", "Not ready", "a dependency (the database) is not answering"
            )
        return {"status": "ready"}

    return health
