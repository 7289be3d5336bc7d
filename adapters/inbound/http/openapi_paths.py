"""The paths of the OpenAPI document: one operation per route, ids equal to endpoint names."""

from __future__ import annotations

from typing import Any

from adapters.inbound.http.openapi_components import json_content
from adapters.inbound.http.openapi_schemas import ref

Operation = dict[str, Any]

ACCOUNT = "/api/v1/accounts/{account_id}"


def _answer(description: str, schema_name: str) -> dict[str, Any]:
    return {"description": description, "content": json_content(ref(schema_name))}


def _use(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


_STATUS_OF = {
    "BadRequest": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "MethodNotAllowed": "405",
    "PayloadTooLarge": "413",
    "UnsupportedMediaType": "415",
    "ValidationFailed": "422",
    "NotReady": "503",
}
# Every route that reads a JSON body can answer these.
_WITH_BODY = ("BadRequest", "PayloadTooLarge", "UnsupportedMediaType", "ValidationFailed")


def _op(
    operation_id: str,
    summary: str,
    tag: str,
    ok: tuple[str, str, str],
    *,
    body: str | None = None,
    params: tuple[str, ...] = (),
    errors: tuple[str, ...] = ("Unauthorized", "Forbidden", "NotFound"),
) -> Operation:
    status, description, schema_name = ok
    responses: dict[str, Any] = {status: _answer(description, schema_name)}
    for error in errors + (_WITH_BODY if body else ()):
        responses[_STATUS_OF[error]] = _use(error)
    operation: Operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "parameters": [_param(p) for p in params],
        "responses": responses,
    }
    if body:
        operation["requestBody"] = {"required": True, "content": json_content(ref(body))}
    return operation


def paths() -> dict[str, Any]:
    conversation = f"{ACCOUNT}/conversations/{{conversation_id}}"
    return {
        "/api/v1/accounts": {
            "post": _op(
                "create_account",
                "Create an account (admin token only); its API token is shown once",
                "accounts",
                ("201", "The account and its API token", "CreatedAccount"),
                body="NewAccount",
                errors=("Unauthorized", "Forbidden"),
            ),
        },
        f"{ACCOUNT}/inboxes": {
            "get": _op(
                "list_inboxes",
                "List the account's inboxes",
                "inboxes",
                ("200", "The inboxes", "InboxList"),
                params=("account_id",),
            ),
            "post": _op(
                "create_inbox",
                "Create an inbox; a secret generated here is shown in this answer only",
                "inboxes",
                ("201", "The inbox", "Inbox"),
                body="NewInbox",
                params=("account_id",),
            ),
        },
        f"{ACCOUNT}/inboxes/{{inbox_id}}": {
            "get": _op(
                "get_inbox",
                "Get an inbox (secrets never shown)",
                "inboxes",
                ("200", "The inbox", "Inbox"),
                params=("account_id", "inbox_id"),
            ),
            "patch": _op(
                "update_inbox",
                "Rename an inbox or change part of its channel config",
                "inboxes",
                ("200", "The inbox", "Inbox"),
                body="InboxPatch",
                params=("account_id", "inbox_id"),
            ),
        },
        f"{ACCOUNT}/conversations": {
            "get": _op(
                "list_conversations",
                "List conversations, newest activity first",
                "conversations",
                ("200", "A page of conversations", "ConversationPage"),
                params=("account_id", "inbox_filter", "status_filter", "cursor", "limit"),
                errors=("Unauthorized", "Forbidden", "NotFound", "ValidationFailed"),
            ),
            "post": _op(
                "start_conversation",
                "Start an outbound conversation with a contact and send its first message",
                "conversations",
                ("201", "The conversation", "Conversation"),
                body="NewConversation",
                params=("account_id",),
            ),
        },
        conversation: {
            "get": _op(
                "get_conversation",
                "Get a conversation",
                "conversations",
                ("200", "The conversation", "Conversation"),
                params=("account_id", "conversation_id"),
            ),
            "patch": _op(
                "update_conversation",
                "Change a conversation's status",
                "conversations",
                ("200", "The conversation", "Conversation"),
                body="ConversationPatch",
                params=("account_id", "conversation_id"),
            ),
        },
        f"{conversation}/messages": {
            "get": _op(
                "list_messages",
                "List a conversation's messages, oldest first",
                "messages",
                ("200", "A page of messages", "MessagePage"),
                params=("account_id", "conversation_id", "cursor", "limit"),
                errors=("Unauthorized", "Forbidden", "NotFound", "ValidationFailed"),
            ),
            "post": _op(
                "send_message",
                "Send a message; it is stored `pending` and queued for delivery",
                "messages",
                ("201", "The message, status pending", "Message"),
                body="OutgoingMessage",
                params=("account_id", "conversation_id"),
            ),
        },
        f"{conversation}/read": {
            "post": _op(
                "mark_conversation_read",
                "Send the contact a read receipt for their newest message (channels with "
                "`read_receipts`, e.g. WhatsApp); queued, best effort",
                "messages",
                ("202", "Queued (message_id null: nothing to mark)", "ReadReceipt"),
                params=("account_id", "conversation_id"),
                errors=("Unauthorized", "Forbidden", "NotFound", "ValidationFailed"),
            ),
        },
        f"{ACCOUNT}/contacts": {
            "get": _op(
                "list_contacts",
                "List or search contacts",
                "contacts",
                ("200", "A page of contacts", "ContactPage"),
                params=("account_id", "q", "cursor", "limit"),
                errors=("Unauthorized", "Forbidden", "NotFound", "ValidationFailed"),
            ),
        },
        "/webhooks/{channel_type}/{inbox_key}": _webhook_path(),
        "/webhooks/{channel_type}": _webhook_path(provider_level=True),
        "/media/{attachment_id}": {
            "get": {
                "operationId": "get_media",
                "summary": "An attachment's bytes, through the signed link in its `url`",
                "description": (
                    "Needs no token: the link carries an expiry and an HMAC signature "
                    "(valid for one hour; every read of the message makes a fresh one)."
                ),
                "tags": ["media"],
                "security": [],
                "parameters": [
                    _param("attachment_id"),
                    {
                        "name": "expires",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "signature",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {"description": "The bytes", "content": {"*/*": {}}},
                    "404": _use("NotFound"),
                },
            }
        },
        "/healthz": {
            "get": _public_op(
                "healthz", "The process is up", "health", ("200", "Up", "Status"), errors=()
            )
        },
        "/readyz": {
            "get": _public_op(
                "readyz",
                "The database answers",
                "health",
                ("200", "Ready", "Status"),
                errors=("NotReady",),
            )
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "tags": ["health"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": json_content({"type": "object"}),
                    }
                },
            }
        },
    }


def _public_op(*args: Any, **kwargs: Any) -> Operation:
    return {**_op(*args, **kwargs), "security": []}


def _webhook_path(*, provider_level: bool = False) -> dict[str, Any]:
    """An inbox's webhook URL, or (`provider_level`) one URL for a provider app's many inboxes,
    routed by the payload (Meta: `metadata.phone_number_id`); only for channel types that route."""
    params = (
        [_param("channel_type")]
        if provider_level
        else [_param("channel_type"), _param("inbox_key")]
    )
    suffix = "_provider" if provider_level else ""
    raw_body = {"content": {"*/*": {"schema": {}}}, "required": False}
    provider_answer = {
        "description": (
            'Committed. `{"status":"ok"}`, or the exact answer the provider needs '
            "(Meta's bare challenge, Twilio's empty TwiML)"
        ),
        "content": {"application/json": {"schema": ref("Status")}, "*/*": {"schema": {}}},
    }
    return {
        "post": {
            "operationId": f"receive{suffix}_webhook",
            "summary": "A provider's webhook, verified the provider's own way",
            "tags": ["webhooks"],
            "security": [],
            "parameters": params,
            "requestBody": raw_body,
            "responses": {
                "200": provider_answer,
                "400": _use("BadRequest"),
                "401": _use("WebhookRejected"),
                "404": _use("NotFound"),
                "413": _use("PayloadTooLarge"),
            },
        },
        "get": {
            "operationId": f"answer{suffix}_handshake",
            "summary": "A provider's handshake (Meta hub.challenge, X CRC)",
            "tags": ["webhooks"],
            "security": [],
            "parameters": params,
            "responses": {
                "200": {"description": "The provider's expected answer", "content": {"*/*": {}}},
                "403": _use("HandshakeRejected"),
                "404": _use("NotFound"),
                "405": _use("MethodNotAllowed"),
            },
        },
    }
