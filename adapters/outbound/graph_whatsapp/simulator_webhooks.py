"""Webhooks the way Graph writes them, for the simulators: compact JSON with non-ASCII characters
and slashes escaped, which is what Meta signs."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import aiohttp

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL
from adapters.outbound.graph_whatsapp.envelope import WHATSAPP_OBJECT
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

ERROR_TITLES = {
    4: "Application request limit reached",
    10: "Permission denied",
    100: "Invalid parameter",
    190: "Invalid OAuth access token",
    80007: "Rate limit issues",
    130429: "Rate limit hit",
    131000: "Something went wrong",
    131016: "Service unavailable",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131048: "Spam rate limit hit",
    131051: "Message type unknown",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132001: "Template name does not exist in the translation",
}


def meta_json(payload: Any) -> bytes:
    return (
        json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()
    )


def unix_seconds(at: datetime | int | None) -> str:
    if at is None:
        return str(int(time.time()))
    if isinstance(at, datetime):
        return str(int(at.timestamp()))
    return str(at)


def error_object(code: int, message: str | None = None) -> dict[str, Any]:
    title = message or ERROR_TITLES.get(code, "Error")
    return {"code": code, "title": title, "message": title, "error_data": {"details": title}}


def envelope(
    business_account_id: str, metadata: Mapping[str, str], *values: Mapping[str, Any]
) -> dict[str, Any]:
    """One entry whose changes carry `values`, each completed with the number's metadata."""
    changes = [
        {
            "value": {"messaging_product": "whatsapp", "metadata": dict(metadata), **value},
            "field": "messages",
        }
        for value in values
    ]
    return {"object": WHATSAPP_OBJECT, "entry": [{"id": business_account_id, "changes": changes}]}


def contact(wa_id: str, name: str | None) -> dict[str, Any]:
    return {"profile": {"name": name or wa_id}, "wa_id": wa_id}


def text_message(
    source_id: str, sender_id: str, text: str, at: datetime | int | None = None
) -> dict[str, Any]:
    return {
        "from": sender_id,
        "id": source_id,
        "timestamp": unix_seconds(at),
        "type": "text",
        "text": {"body": text},
    }


def image_message(
    source_id: str,
    sender_id: str,
    media_id: str,
    mime_type: str,
    caption: str | None = None,
    at: datetime | int | None = None,
) -> dict[str, Any]:
    image: dict[str, Any] = {"mime_type": mime_type, "sha256": "c2ltdWxhdGVk", "id": media_id}
    if caption is not None:
        image["caption"] = caption
    return {
        "from": sender_id,
        "id": source_id,
        "timestamp": unix_seconds(at),
        "type": "image",
        "image": image,
    }


def status_item(
    source_id: str,
    state: str,
    recipient_id: str,
    at: datetime | int | None = None,
    error_code: int | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source_id,
        "status": state,
        "timestamp": unix_seconds(at),
        "recipient_id": recipient_id,
    }
    if state == "failed":
        item["errors"] = [error_object(error_code or 131026)]
    else:
        item["conversation"] = {"id": "c0ffee", "origin": {"type": "service"}}
        item["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    return item


def statuses_in_order(
    states: Sequence[str], *, duplicate: bool = False, reverse: bool = False
) -> list[str]:
    """Status webhooks as a flaky network delivers them: twice each, or last first."""
    ordered = list(reversed(states)) if reverse else list(states)
    return [s for s in ordered for _ in range(2)] if duplicate else ordered


class GraphWebhookMaker:
    """Webhooks as Graph makes them, signed for the channel they are given (the subclass says
    how: Meta's HMAC, or 360dialog's configured header)."""

    recipient_id = "447700900123"
    recipient_name = "Dana"
    display_phone_number = "15550001111"
    business_account_id = "100000000000001"

    def metadata(self, channel: Channel) -> dict[str, str]:
        raise NotImplementedError

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        raise NotImplementedError

    def webhook(
        self, channel: Channel, *values: dict[str, Any], url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        payload = envelope(self.business_account_id, self.metadata(channel), *values)
        return self.signed_request(channel, meta_json(payload), url=url)

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
        sender_name: str | None = None,
        timestamp: datetime | int | None = None,
    ) -> InboundRequest:
        value = {
            "contacts": [contact(sender_id, sender_name or self.recipient_name)],
            "messages": [text_message(source_id, sender_id, text, timestamp)],
        }
        return self.webhook(channel, value, url=url)

    def incoming_image(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        media_id: str,
        mime_type: str = "image/jpeg",
        caption: str | None = None,
        url: str = DEFAULT_WEBHOOK_URL,
        timestamp: datetime | int | None = None,
    ) -> InboundRequest:
        message = image_message(source_id, sender_id, media_id, mime_type, caption, timestamp)
        value = {"contacts": [contact(sender_id, self.recipient_name)], "messages": [message]}
        return self.webhook(channel, value, url=url)

    def status_update(
        self,
        channel: Channel,
        *,
        source_id: str,
        status: str,
        url: str = DEFAULT_WEBHOOK_URL,
        error_code: int | None = None,
        timestamp: datetime | int | None = None,
    ) -> InboundRequest:
        item = status_item(source_id, status, self.recipient_id, timestamp, error_code)
        return self.webhook(channel, {"statuses": [item]}, url=url)

    def status_updates(
        self,
        channel: Channel,
        *,
        source_id: str,
        statuses: Sequence[str],
        duplicate: bool = False,
        reverse: bool = False,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> list[InboundRequest]:
        """One webhook per status, duplicated and/or out of order as asked."""
        order = statuses_in_order(statuses, duplicate=duplicate, reverse=reverse)
        return [
            self.status_update(channel, source_id=source_id, status=state, url=url)
            for state in order
        ]

    def batched(
        self,
        channel: Channel,
        *,
        messages: int,
        status_ids: Sequence[str] = (),
        status: str = "delivered",
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """N messages in one change and a status for each of `status_ids` in a second one."""
        items = [
            text_message(f"wamid.BATCH{i:04d}", self.recipient_id, f"message {i}")
            for i in range(1, messages + 1)
        ]
        contacts = [contact(self.recipient_id, self.recipient_name)]
        states = [status_item(s, status, self.recipient_id) for s in status_ids]
        values: list[dict[str, Any]] = [{"contacts": contacts, "messages": items}]
        if states:
            values.append({"statuses": states})
        return self.webhook(channel, *values, url=url)

    @staticmethod
    async def emit(session: aiohttp.ClientSession, request: InboundRequest) -> int:
        """POST a webhook to the URL it was made for, as the provider would; its HTTP status."""
        async with session.post(request.url, data=request.body, headers=request.headers) as r:
            await r.read()
            return r.status
