"""The OpenAPI 3.1 document of every route, served at /openapi.json.

Written out by hand rather than derived from the routes, so that a test comparing it with the
app's url_map catches a route added without documentation (or documentation of a lost route).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from adapters.inbound.http.openapi_components import PARAMETERS, RESPONSES
from adapters.inbound.http.openapi_paths import paths
from adapters.inbound.http.openapi_schemas import SCHEMAS
from adapters.inbound.http.problem import TYPE_PREFIX

DESCRIPTION = f"""Provider webhooks in, conversations out.

* Authentication: `Authorization: Bearer <token>`. The admin token may only create accounts; an
  account's `api_token` reaches that account only (another account's ids answer 404).
* Errors are RFC 9457 problem documents (`application/problem+json`) with `type`, `title`,
  `status` and `detail`. `type` is `about:blank` for plain HTTP errors (unknown route, wrong
  method, body over 1 MiB) and otherwise `{TYPE_PREFIX}<name>`: `invalid-input` and
  `capability-missing` (422, with `errors: [{{field, message}}]`), `messaging-window-closed`
  (422), `malformed-json` (400), `unsupported-media-type` (415), `unauthorized` (401),
  `forbidden` (403), `not-found` (404), `webhook-rejected` (401), `malformed-webhook` (400),
  `handshake-rejected` (403), `no-handshake` (405), `not-ready` (503), `internal-error` (500).
* JSON bodies must be sent as `application/json` (or a `+json` type) and be at most 1 MiB.
* Times are RFC 3339 in UTC with millisecond precision (`2026-01-05T09:00:00.000Z`).
* Lists page with an opaque `cursor` (the previous answer's `next_cursor`) and `limit`
  (1 to 100, default 25).
* Webhooks: each inbox's `webhook_url` takes the provider's POSTs (verified the provider's way;
  401 when verification fails, and nothing is stored) and, for providers that have one, its GET
  handshake (403 when it does not match, 405 for channels without a handshake). Query strings
  are never written to the access log.
"""


def openapi_document(public_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "channelhub",
            "version": "1",
            "description": DESCRIPTION,
        },
        "servers": [{"url": public_url.rstrip("/") or "/"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The admin token, or an account's api_token",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }


def create_openapi_blueprint(*, public_url: str) -> Blueprint:
    document = openapi_document(public_url)
    docs = Blueprint("openapi", __name__)

    @docs.get("/openapi.json", endpoint="openapi")
    def serve() -> dict[str, Any]:
        return document

    return docs
