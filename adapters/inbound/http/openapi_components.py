"""Reusable parts of the OpenAPI document: problem answers and parameters."""

from __future__ import annotations

from typing import Any

from adapters.inbound.http.openapi_schemas import Schema, ref
from adapters.inbound.http.problem import PROBLEM_MIMETYPE


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _problem(description: str, schema_name: str = "Problem") -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MIMETYPE: {"schema": ref(schema_name)}}}


RESPONSES: dict[str, Any] = {
    "BadRequest": _problem("Malformed JSON or a malformed webhook payload"),
    "Unauthorized": _problem("Missing or invalid bearer token"),
    "Forbidden": _problem("The admin token on an account route, or the reverse"),
    "NotFound": _problem("No such resource (also another account's resource)"),
    "MethodNotAllowed": _problem("The channel has no GET handshake"),
    "PayloadTooLarge": _problem("The body is over 1 MiB"),
    "UnsupportedMediaType": _problem("The body is not application/json"),
    "ValidationFailed": _problem(
        "Invalid input (`errors` names the fields); a part the channel cannot carry "
        "(type ends with `capability-missing`); outside the messaging window "
        "(type ends with `messaging-window-closed`)",
        "ValidationProblem",
    ),
    "NotReady": _problem("A dependency is not answering"),
    "WebhookRejected": _problem("The request failed the provider's verification"),
    "HandshakeRejected": _problem("The handshake did not match the inbox's configuration"),
}

_PATH_PARAMS = (
    "account_id",
    "inbox_id",
    "conversation_id",
    "channel_type",
    "inbox_key",
    "attachment_id",
)
PARAMETERS: dict[str, Any] = {
    name: {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
    for name in _PATH_PARAMS
}
PARAMETERS.update(
    {
        "cursor": {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page.",
            "schema": {"type": "string"},
        },
        "limit": {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        },
        "inbox_filter": {"name": "inbox_id", "in": "query", "schema": {"type": "string"}},
        "status_filter": {
            "name": "status",
            "in": "query",
            "schema": {"enum": ["open", "pending", "resolved"]},
        },
        "q": {
            "name": "q",
            "in": "query",
            "description": "Substring of name, email, phone number or identifier.",
            "schema": {"type": "string"},
        },
    }
)
