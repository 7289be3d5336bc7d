"""Webhooks from the user's own backend: `message` and `status` events, HMAC-signed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.outbound.channels.api.signature import SIGNATURE_HEADER, is_valid
from domain.channels import ALL_ATTACHMENT_TYPES, Channel
from domain.errors import MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    HttpReply,
    Ignored,
    InboundAttachment,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    Sender,
    StatusUpdate,
)

STATUSES = {s.value: s for s in (MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED)}


class ApiWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        signature = request.header(SIGNATURE_HEADER)
        if not signature:
            raise WebhookRejected(f"the {SIGNATURE_HEADER} header is missing")
        secret = channel.get("hmac_secret")
        if not isinstance(secret, str) or not is_valid(request.body, secret, signature):
            raise WebhookRejected(f"the {SIGNATURE_HEADER} header does not match the body")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        payload = _load(request.body)
        event = payload.get("event")
        if not isinstance(event, str):
            raise MalformedWebhook('"event" must be a string')
        if event == "message":
            return [_incoming(payload)]
        if event == "status":
            return [_status(payload)]
        return [Ignored(f"api event {event[:40]!r} is not handled")]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None


def _load(body: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        # UnicodeDecodeError is a ValueError; RecursionError comes from absurdly deep nesting.
        raise MalformedWebhook("the body is not valid JSON") from None
    return _object(payload, "the body")


def _incoming(payload: Mapping[str, Any]) -> IncomingMessage:
    message = _object(payload.get("message"), "message")
    sender = _object(payload.get("sender"), "sender")
    content = _optional_text(message.get("content"), "message.content")
    raw_attachments = message.get("attachments")
    if raw_attachments is None:
        raw_attachments = []
    if not isinstance(raw_attachments, list):
        raise MalformedWebhook("message.attachments must be an array")
    attachments = tuple(
        _attachment(item, f"message.attachments[{i}]") for i, item in enumerate(raw_attachments)
    )
    if not content and not attachments:
        raise MalformedWebhook("message needs a content or at least one attachment")
    reply_to = message.get("in_reply_to")
    return IncomingMessage(
        source_id=_id(message.get("id"), "message.id"),
        sender=Sender(
            source_id=_id(sender.get("id"), "sender.id"),
            name=_optional_text(sender.get("name"), "sender.name"),
            email=_optional_text(sender.get("email"), "sender.email"),
            phone_number=_optional_text(sender.get("phone_number"), "sender.phone_number"),
        ),
        content=content,
        attachments=attachments,
        reply_to=None if reply_to is None else _id(reply_to, "message.in_reply_to"),
        timestamp=_timestamp(message.get("timestamp"), "message.timestamp"),
    )


def _attachment(value: object, where: str) -> InboundAttachment:
    item = _object(value, where)
    url = item.get("url")
    if not isinstance(url, str) or not url.strip():
        raise MalformedWebhook(f"{where}.url must be a non-empty string")
    file_type = item.get("file_type")
    if not isinstance(file_type, str) or file_type not in ALL_ATTACHMENT_TYPES:
        known = ", ".join(sorted(ALL_ATTACHMENT_TYPES))
        raise MalformedWebhook(f"{where}.file_type must be one of: {known}")
    return InboundAttachment(
        file_type=file_type,
        provider_ref=url,
        mime_type=_optional_text(item.get("mime_type"), f"{where}.mime_type"),
        file_name=_optional_text(item.get("file_name"), f"{where}.file_name"),
    )


def _status(payload: Mapping[str, Any]) -> StatusUpdate:
    status = payload.get("status")
    if not isinstance(status, str) or status not in STATUSES:
        raise MalformedWebhook('status must be one of "delivered", "read", "failed"')
    return StatusUpdate(
        source_id=_id(payload.get("message_id"), "message_id"),
        status=STATUSES[status],
        error=_optional_text(payload.get("error"), "error"),
        timestamp=_timestamp(payload.get("timestamp"), "timestamp"),
    )


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise MalformedWebhook(f"{where} must be a JSON object")
    return value


def _id(value: object, where: str) -> str:
    """Ids are strings; a JSON integer is taken too, since many backends number their rows."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    raise MalformedWebhook(f"{where} must be a non-empty string")


def _optional_text(value: object, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedWebhook(f"{where} must be a string")


def _timestamp(value: object, where: str) -> datetime | None:
    """RFC 3339 with an offset, or unix seconds."""
    if value is None:
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise MalformedWebhook(f"{where} must be an RFC 3339 time with an offset, or unix seconds")
