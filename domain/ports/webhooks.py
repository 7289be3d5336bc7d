"""The inbound port: a transport-neutral request in, normalised events out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

from domain.channels import Channel
from domain.errors import MalformedWebhook
from domain.messages import MessageStatus


@dataclass(frozen=True)
class InboundRequest:
    """A webhook request as any transport can build it: no Flask, no WSGI.

    `url` is the full URL the provider called (Twilio signs it); `headers` keys are lower-case.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes = b"",
        query: Mapping[str, str] | None = None,
    ) -> InboundRequest:
        return cls(
            method=method.upper(),
            url=url,
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
            query=dict(query or {}),
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise MalformedWebhook(f"the body is not valid JSON: {exc}") from exc

    def form(self) -> dict[str, str]:
        try:
            return dict(parse_qsl(self.body.decode(), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError as exc:
            raise MalformedWebhook("the form body is not UTF-8") from exc


@dataclass(frozen=True)
class HttpReply:
    """An answer a provider needs in a particular shape (Meta's bare challenge, empty TwiML)."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain"


@dataclass(frozen=True)
class Sender:
    source_id: str
    name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class Chat:
    """The group a message was posted in, when it was not a one-to-one chat."""

    source_id: str
    title: str | None = None


@dataclass(frozen=True)
class InboundAttachment:
    file_type: str
    provider_ref: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncomingMessage:
    source_id: str
    sender: Sender
    content: str | None
    content_type: str = "text"
    attachments: tuple[InboundAttachment, ...] = ()
    reply_to: str | None = None
    timestamp: datetime | None = None
    chat: Chat | None = None
    content_attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusUpdate:
    source_id: str
    status: MessageStatus
    error: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True)
class MessageEdited:
    source_id: str
    content: str | None
    timestamp: datetime | None = None


@dataclass(frozen=True)
class MessageDeleted:
    source_id: str
    timestamp: datetime | None = None


@dataclass(frozen=True)
class ReactionReceived:
    """A reaction is stored as a message; `source_id` is the reaction's own id."""

    source_id: str
    sender: Sender
    emoji: str
    target_source_id: str
    timestamp: datetime | None = None
    chat: Chat | None = None


@dataclass(frozen=True)
class ContactReachabilityChanged:
    """The provider says a contact opted out / blocked us (`reachable` False), or came back."""

    sender_source_id: str
    reachable: bool
    reason: str | None = None


@dataclass(frozen=True)
class Ignored:
    reason: str


InboundEvent = (
    IncomingMessage
    | StatusUpdate
    | MessageEdited
    | MessageDeleted
    | ReactionReceived
    | ContactReachabilityChanged
    | Ignored
)


class WebhookParser(Protocol):
    """Pure and synchronous: no I/O, so it is fast and trivially testable."""

    def verify(self, request: InboundRequest, channel: Channel) -> None:
        """Raise `WebhookRejected` unless the request is the provider's, by its own rules."""
        ...

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        """Normalise a verified request; raise `MalformedWebhook` for a payload it cannot read."""
        ...

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        """Answer a provider's GET handshake, or None when the provider has none."""
        ...

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        """The success answer the provider needs, or None for channelhub's JSON answer."""
        ...
