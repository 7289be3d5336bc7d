"""Domain events: past-tense facts, published after the unit of work that made them commits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    account_id: str


@dataclass(frozen=True)
class MessageCreated(DomainEvent):
    message_id: str
    conversation_id: str
    message_type: str


@dataclass(frozen=True)
class MessageUpdated(DomainEvent):
    message_id: str
    conversation_id: str


@dataclass(frozen=True)
class MessageStatusChanged(DomainEvent):
    message_id: str
    conversation_id: str
    status: str


@dataclass(frozen=True)
class ConversationOpened(DomainEvent):
    conversation_id: str


@dataclass(frozen=True)
class ConversationStatusChanged(DomainEvent):
    conversation_id: str
    status: str
