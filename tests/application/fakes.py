"""Fakes for use-case tests: a scripted channel whose webhook body lists the events to produce."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from application.channels import ChannelPlugin
from domain.channels import Channel, ChannelCapabilities, MessagingWindow
from domain.errors import ChannelRejected, ChannelUnavailable, MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.senders import DeliveryReceipt, OutboundMessage
from domain.ports.webhooks import (
    Chat,
    HttpReply,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
    StatusUpdate,
)


@dataclass(frozen=True)
class ScriptedConfig:
    token: str = "good"


class ScriptedParser:
    """Accepts a request whose `x-token` header equals the channel's token; its body is a list."""

    def verify(self, request: InboundRequest, channel: Channel) -> None:
        if request.header("x-token") != channel.get("token"):
            raise WebhookRejected("bad token")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        items = request.json()
        if not isinstance(items, list):
            raise MalformedWebhook("expected a list")
        return [_event(item) for item in items]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None


def _event(item: dict) -> InboundEvent:
    at = datetime.fromtimestamp(item["ts"], UTC) if "ts" in item else None
    sender = Sender(item.get("from", "contact-1"), name=item.get("name"))
    chat = Chat(item["chat"], "Group") if "chat" in item else None
    match item["kind"]:
        case "text":
            return IncomingMessage(
                item["id"],
                sender,
                item.get("text"),
                timestamp=at,
                chat=chat,
                reply_to=item.get("reply_to"),
            )
        case "status":
            return StatusUpdate(item["id"], MessageStatus(item["status"]), item.get("error"))
        case "reaction":
            return ReactionReceived(item["id"], sender, item["emoji"], item["target"])
        case "edit":
            return MessageEdited(item["id"], item["text"])
        case "delete":
            return MessageDeleted(item["id"])
    raise MalformedWebhook(f"unknown kind {item['kind']}")


@dataclass
class RecordingSender:
    """Answers from a script: a receipt id, or an exception to raise, per call."""

    script: list[object] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)
    capabilities: ChannelCapabilities = field(default_factory=ChannelCapabilities)
    pause: float = 0.0

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        self.sent.append(message)
        if self.pause:
            await asyncio.sleep(self.pause)
        outcome = self.script.pop(0) if self.script else f"ext-{len(self.sent)}"
        if isinstance(outcome, Exception):
            raise outcome
        return DeliveryReceipt(str(outcome))


def scripted_plugin(
    slug: str = "scripted",
    window_hours: float | None = None,
    sender: RecordingSender | None = None,
    attachment_types: frozenset[str] = frozenset({"image"}),
) -> ChannelPlugin:
    caps = ChannelCapabilities(
        attachment_types=attachment_types,
        templates=True,
        buttons=False,
        reply_to=True,
        max_text_length=100,
        window=MessagingWindow(window_hours),
    )
    chosen = sender or RecordingSender(capabilities=caps)
    return ChannelPlugin(slug, ScriptedConfig, ScriptedParser(), lambda _http: chosen, caps)


def webhook(*events: dict, token: str = "good") -> InboundRequest:
    return InboundRequest.build(
        "POST",
        "http://test/webhooks/scripted/key",
        {"X-Token": token},
        json.dumps(list(events)).encode(),
    )


__all__ = ["ChannelRejected", "ChannelUnavailable"]


@dataclass(frozen=True)
class RoutedConfig:
    number: str
    token: str = "good"


class RoutedParser(ScriptedParser):
    """Like ScriptedParser, but every item names the number it is for (`to`), as Meta's do."""

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        return [_event(item) for item in request.json() if item.get("to") == channel.get("number")]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        if request.query.get("token") != channel.get("token"):
            raise WebhookRejected("wrong token")
        return HttpReply(200, request.query.get("challenge", "").encode())


def routed_plugin() -> ChannelPlugin:
    def numbers(request: InboundRequest) -> list[str]:
        try:
            return [item["to"] for item in json.loads(request.body)]
        except (ValueError, TypeError, KeyError):
            return []

    return ChannelPlugin(
        "routed",
        RoutedConfig,
        RoutedParser(),
        lambda _http: RecordingSender(),
        ChannelCapabilities(),
        route_field="number",
        route_keys=numbers,
    )
