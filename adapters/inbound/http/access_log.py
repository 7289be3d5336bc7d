"""One access-log line per request, without the query string.

Query strings carry secrets (Meta's handshake sends `hub.verify_token` in one), so only the
method, the path, the status and the duration are logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("channelhub.access")


class AccessLogMiddleware:
    """Wraps the WSGI app, so errors answered by any layer of Flask are logged too."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[int] = []

        def recording_start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(int(code.split(" ", 1)[0]))
            return start_response(code, headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        finally:
            method = environ.get("REQUEST_METHOD", "-")
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            duration_ms = (time.perf_counter() - started) * 1000
            code = status[-1] if status else 500
            log.info(
                "%s %s %d %.1fms",
                method,
                path,
                code,
                duration_ms,
                extra={
                    "http_method": method,
                    "http_path": path,
                    "http_status": code,
                    "duration_ms": round(duration_ms, 3),
                },
            )
