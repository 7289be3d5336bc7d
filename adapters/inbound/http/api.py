"""The REST API under /api/v1: thin views that read the request, call a use case, answer JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, url_for

from adapters.inbound.http.auth import Authenticator, create_authorizer
from adapters.inbound.http.inputs import json_body, query_int, query_text
from adapters.inbound.http.serializers import (
    MediaUrl,
    contact_json,
    conversation_json,
    created_account_json,
    inbox_json,
    message_json,
    page_json,
)
from application.management import CreatedAccount, ManageInboxes
from application.queries import Queries
from application.receipts import ReadReceiptQueued
from domain.conversations import Conversation
from domain.errors import NotFound
from domain.messages import Message

Json = dict[str, Any]

ADMIN_ENDPOINTS = frozenset({"api.create_account"})


def create_api_blueprint(
    *,
    authenticate: Authenticator,
    create_account: Callable[[object], CreatedAccount],
    manage_inboxes: ManageInboxes,
    queries: Queries,
    send_message: Callable[[str, str, object], Message],
    start_conversation: Callable[[str, object], Conversation],
    change_conversation_status: Callable[[str, str, object], Conversation],
    public_url: str,
    media_url: MediaUrl | None = None,
    mark_conversation_read: Callable[[str, str], ReadReceiptQueued] | None = None,
) -> Blueprint:
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(create_authorizer(authenticate, ADMIN_ENDPOINTS))

    @api.post("/accounts", endpoint="create_account")
    def post_account() -> tuple[Json, int]:
        return created_account_json(create_account(json_body())), 201

    @api.post("/accounts/<account_id>/inboxes", endpoint="create_inbox")
    def post_inbox(account_id: str) -> tuple[Json, int, dict[str, str]]:
        saved = manage_inboxes.create(account_id, json_body())
        location = url_for(".get_inbox", account_id=account_id, inbox_id=saved.inbox.id)
        return (
            inbox_json(saved.inbox, public_url, saved.generated_secrets),
            201,
            {"Location": location},
        )

    @api.get("/accounts/<account_id>/inboxes", endpoint="list_inboxes")
    def get_inboxes(account_id: str) -> Json:
        return {"data": [inbox_json(i, public_url) for i in queries.inboxes(account_id)]}

    @api.get("/accounts/<account_id>/inboxes/<inbox_id>", endpoint="get_inbox")
    def get_inbox(account_id: str, inbox_id: str) -> Json:
        return inbox_json(queries.inbox(account_id, inbox_id), public_url)

    @api.patch("/accounts/<account_id>/inboxes/<inbox_id>", endpoint="update_inbox")
    def patch_inbox(account_id: str, inbox_id: str) -> Json:
        saved = manage_inboxes.update(account_id, inbox_id, json_body())
        return inbox_json(saved.inbox, public_url, saved.generated_secrets)

    @api.get("/accounts/<account_id>/conversations", endpoint="list_conversations")
    def get_conversations(account_id: str) -> Json:
        page = queries.conversations(
            account_id,
            inbox_id=query_text("inbox_id"),
            status=query_text("status"),
            cursor=query_text("cursor"),
            limit=query_int("limit"),
        )
        return page_json(page, conversation_json)

    @api.post("/accounts/<account_id>/conversations", endpoint="start_conversation")
    def post_conversation(account_id: str) -> tuple[Json, int, dict[str, str]]:
        conversation = start_conversation(account_id, json_body())
        location = url_for(
            ".get_conversation", account_id=account_id, conversation_id=conversation.id
        )
        view = queries.view(account_id, conversation)
        return conversation_json(view), 201, {"Location": location}

    @api.get("/accounts/<account_id>/conversations/<conversation_id>", endpoint="get_conversation")
    def get_conversation(account_id: str, conversation_id: str) -> Json:
        return conversation_json(queries.conversation(account_id, conversation_id))

    @api.patch(
        "/accounts/<account_id>/conversations/<conversation_id>", endpoint="update_conversation"
    )
    def patch_conversation(account_id: str, conversation_id: str) -> Json:
        conversation = change_conversation_status(account_id, conversation_id, json_body())
        return conversation_json(queries.view(account_id, conversation))

    @api.get(
        "/accounts/<account_id>/conversations/<conversation_id>/messages",
        endpoint="list_messages",
    )
    def get_messages(account_id: str, conversation_id: str) -> Json:
        page = queries.messages(
            account_id,
            conversation_id,
            cursor=query_text("cursor"),
            limit=query_int("limit"),
        )
        return page_json(page, lambda message: message_json(message, media_url))

    @api.post(
        "/accounts/<account_id>/conversations/<conversation_id>/messages",
        endpoint="send_message",
    )
    def post_message(account_id: str, conversation_id: str) -> tuple[Json, int]:
        message = send_message(account_id, conversation_id, json_body())
        return message_json(message, media_url), 201

    @api.post(
        "/accounts/<account_id>/conversations/<conversation_id>/read",
        endpoint="mark_conversation_read",
    )
    def post_read(account_id: str, conversation_id: str) -> tuple[Json, int]:
        if mark_conversation_read is None:
            raise NotFound("read receipts are not available here")
        queued = mark_conversation_read(account_id, conversation_id)
        return {"status": "queued", "message_id": queued.message_id}, 202

    @api.get("/accounts/<account_id>/contacts", endpoint="list_contacts")
    def get_contacts(account_id: str) -> Json:
        page = queries.contacts(
            account_id, q=query_text("q"), cursor=query_text("cursor"), limit=query_int("limit")
        )
        return page_json(page, contact_json)

    return api
