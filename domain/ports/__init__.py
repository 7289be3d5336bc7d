"""The ports the core owns; adapters implement them."""

from domain.ports.clock import Clock
from domain.ports.media import FetchedMedia, MediaFetcher
from domain.ports.repositories import (
    AccountRepository,
    ContactRepository,
    ConversationRepository,
    InboxRepository,
    MessageRepository,
    RawEvent,
    RawEventRepository,
)
from domain.ports.senders import (
    ChannelSender,
    DeliveryReceipt,
    OutboundAttachment,
    OutboundButton,
    OutboundMessage,
    OutboundTemplate,
)
from domain.ports.webhooks import (
    Chat,
    HttpReply,
    Ignored,
    InboundAttachment,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
    StatusUpdate,
    WebhookParser,
)

__all__ = [
    "AccountRepository",
    "ChannelSender",
    "Chat",
    "Clock",
    "ContactRepository",
    "ConversationRepository",
    "DeliveryReceipt",
    "FetchedMedia",
    "HttpReply",
    "Ignored",
    "InboundAttachment",
    "InboundEvent",
    "InboundRequest",
    "InboxRepository",
    "IncomingMessage",
    "MediaFetcher",
    "MessageDeleted",
    "MessageEdited",
    "MessageRepository",
    "OutboundAttachment",
    "OutboundButton",
    "OutboundMessage",
    "OutboundTemplate",
    "RawEvent",
    "RawEventRepository",
    "ReactionReceived",
    "Sender",
    "StatusUpdate",
    "WebhookParser",
]
