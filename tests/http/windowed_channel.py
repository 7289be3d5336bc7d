"""A test-only channel with what the api channel lacks: a 24 h messaging window, no
attachments, a Meta-style GET handshake and a provider-specific success answer."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass

from application.channels import ChannelPlugin
from domain.channels import Channel, ChannelCapabilities, MessagingWindow, secret
from domain.errors import MalformedWebhook, WebhookRejected
from domain.ports.webhooks import (
    HttpReply,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    Sender,
)

TOKEN_HEADER = "X-Windowed-Token"


@dataclass(frozen=True)
class WindowedConfig:
    label: str = ""
    verify_token: str = secret()


def _same(given: str | None, expected: object) -> bool:
    return (
        isinstance(expected, str)
        and bool(expected)
        and given is not None
        and hmac.compare_digest(given.encode(), expected.encode())
    )


class WindowedParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        if not _same(request.header(TOKEN_HEADER), channel.get("verify_token")):
            raise WebhookRejected("wrong token")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        payload = request.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise MalformedWebhook("needs an id")
        return [
            IncomingMessage(
                source_id=payload["id"],
                sender=Sender(source_id=str(payload.get("from", "someone"))),
                content=str(payload.get("text", "")),
            )
        ]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        if request.query.get("hub.mode") != "subscribe" or not _same(
            request.query.get("hub.verify_token"), channel.get("verify_token")
        ):
            raise WebhookRejected("wrong verify token")
        return HttpReply(200, request.query.get("hub.challenge", "").encode())

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return HttpReply(200, b"ACK", "text/plain")


def _no_sender(http_client: object) -> object:
    raise AssertionError("the HTTP tests never deliver")


windowed_plugin = ChannelPlugin(
    slug="windowed",
    config_type=WindowedConfig,
    parser=WindowedParser(),
    create_sender=_no_sender,  # type: ignore[arg-type]
    capabilities=ChannelCapabilities(
        attachment_types=frozenset(), templates=True, window=MessagingWindow(24)
    ),
)


def windowed_body(message_id: str, sender: str = "w-1", text: str = "hi") -> bytes:
    return json.dumps({"id": message_id, "from": sender, "text": text}).encode()
