"""Sending to the user's own backend: a signed JSON POST to the channel's `callback_url`."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from adapters.outbound.channels.api.signature import SIGNATURE_HEADER, sign
from adapters.outbound.http_client import send_request
from domain.channels import ALL_ATTACHMENT_TYPES, Channel, ChannelCapabilities, MessagingWindow
from domain.ports.senders import DeliveryReceipt, OutboundMessage

# The user's backend decides what it can show, so the api channel carries everything, any time.
API_CAPABILITIES = ChannelCapabilities(
    attachment_types=ALL_ATTACHMENT_TYPES,
    templates=True,
    buttons=True,
    reply_to=True,
    max_text_length=None,
    window=MessagingWindow(None),
)


def callback_body(message: OutboundMessage) -> dict[str, Any]:
    """The wire shape of CONTRACT.md section 5 (outbound)."""
    attributes: dict[str, Any] = {}
    if message.reply_to_source_id:
        attributes["in_reply_to"] = message.reply_to_source_id
    if message.buttons:
        attributes["buttons"] = [{"id": b.id, "title": b.title} for b in message.buttons]
    if message.template:
        attributes["template"] = {
            "name": message.template.name,
            "language": message.template.language,
            "parameters": list(message.template.parameters),
            "provider_params": dict(message.template.provider_params),
        }
    return {
        "event": "message",
        "message": {
            "id": message.message_id,
            "conversation_id": message.conversation_id,
            "content": message.content,
            "content_type": "template" if message.template else "text",
            "attachments": [
                {"url": a.url, "file_type": a.file_type, "file_name": a.file_name}
                for a in message.attachments
            ],
            "content_attributes": attributes,
        },
        "conversation_id": message.conversation_id,
        "recipient": {"id": message.recipient_id},
    }


class ApiSender:
    capabilities = API_CAPABILITIES

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        body = json.dumps(callback_body(message), separators=(",", ":")).encode()
        secret = str(channel.get("hmac_secret", ""))
        answer = await send_request(
            self.session,
            "POST",
            str(channel.get("callback_url")),
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, secret)},
            redact=[secret],
        )
        reply = answer.json()
        source_id = reply.get("id") if isinstance(reply, dict) else None
        if isinstance(source_id, int) and not isinstance(source_id, bool):
            source_id = str(source_id)
        return DeliveryReceipt(source_id if isinstance(source_id, str) and source_id else None)
