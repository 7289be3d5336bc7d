"""The Conversation aggregate: status, activity and the messaging window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.channels import MessagingWindow
from domain.errors import InvalidInput
from domain.ids import new_id


class ConversationStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"


@dataclass
class Conversation:
    id: str
    account_id: str
    inbox_id: str
    contact_id: str
    contact_inbox_id: str
    status: ConversationStatus
    last_incoming_at: datetime | None
    last_activity_at: datetime
    created_at: datetime

    @classmethod
    def start(
        cls, account_id: str, inbox_id: str, contact_id: str, contact_inbox_id: str, now: datetime
    ) -> Conversation:
        return cls(
            id=new_id(),
            account_id=account_id,
            inbox_id=inbox_id,
            contact_id=contact_id,
            contact_inbox_id=contact_inbox_id,
            status=ConversationStatus.OPEN,
            last_incoming_at=None,
            last_activity_at=now,
            created_at=now,
        )

    def receive_incoming(self, sent_at: datetime, now: datetime) -> None:
        """An incoming message reopens a resolved conversation; `sent_at` is the provider's time.

        Times only move forward, so a late duplicate or an out-of-order delivery changes nothing.
        """
        if self.status is ConversationStatus.RESOLVED:
            self.status = ConversationStatus.OPEN
        if self.last_incoming_at is None or sent_at > self.last_incoming_at:
            self.last_incoming_at = sent_at
        self.touch(now)

    def touch(self, at: datetime) -> None:
        if at > self.last_activity_at:
            self.last_activity_at = at

    def change_status(self, status: str) -> None:
        try:
            self.status = ConversationStatus(status)
        except ValueError:
            raise InvalidInput(f"unknown conversation status {status!r}") from None

    def can_reply(self, window: MessagingWindow, now: datetime) -> bool:
        return window.is_open(self.last_incoming_at, now)
