"""The outbound port: one adapter per provider sends a normalised message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from domain.channels import Channel, ChannelCapabilities


@dataclass(frozen=True)
class OutboundAttachment:
    url: str
    file_type: str
    file_name: str | None = None


@dataclass(frozen=True)
class OutboundTemplate:
    name: str
    language: str
    parameters: tuple[str, ...] = ()
    provider_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundButton:
    id: str
    title: str


@dataclass(frozen=True)
class OutboundMessage:
    """What a sender needs: `recipient_id` is the contact's provider id (ContactInbox.source_id)."""

    message_id: str
    conversation_id: str
    recipient_id: str
    content: str | None = None
    attachments: tuple[OutboundAttachment, ...] = ()
    template: OutboundTemplate | None = None
    buttons: tuple[OutboundButton, ...] = ()
    reply_to_source_id: str | None = None
    # The inbox's own webhook URL, for providers told per message where statuses go (Twilio).
    status_callback_url: str | None = None


@dataclass(frozen=True)
class DeliveryReceipt:
    """The provider accepted the message; `source_id` is its id for it."""

    source_id: str | None


class ChannelSender(Protocol):
    capabilities: ChannelCapabilities

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        """Send one message.

        Raises `ChannelRejected` for a permanent refusal and `ChannelUnavailable` (with
        `retry_after` when the provider says) for anything worth trying again.
        """
        ...


@runtime_checkable
class ReadReceiptSender(Protocol):
    """A sender that can tell the contact their message was read (`capabilities.read_receipts`)."""

    async def mark_read(self, source_id: str, channel: Channel) -> None:
        """Raises like `send`: `ChannelRejected` or `ChannelUnavailable`."""
        ...
