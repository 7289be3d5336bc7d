"""The Message aggregate: content, attachments and a delivery status that only moves forward."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.ids import new_id


class MessageType(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
    MessageStatus.FAILED: 4,
}

CONTENT_TYPES = frozenset(
    {
        "text",
        "button_reply",
        "reaction",
        "location",
        "contact",
        "sticker",
        "unsupported",
        "template",
        "image",
        "audio",
        "video",
        "file",
    }
)


class AttachmentStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


@dataclass
class Attachment:
    """A file or a place. `provider_ref` is how the provider names the bytes until fetched."""

    id: str
    file_type: str
    url: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    status: AttachmentStatus = AttachmentStatus.PENDING
    provider_ref: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    fetch_attempts: int = 0
    error: str | None = None

    @classmethod
    def create(cls, file_type: str, **kwargs: Any) -> Attachment:
        return cls(id=new_id(), file_type=file_type, **kwargs)

    @property
    def needs_fetch(self) -> bool:
        return self.status is AttachmentStatus.PENDING and bool(self.provider_ref)

    def fetched(self, mime_type: str | None, size: int, file_name: str | None) -> None:
        self.status = AttachmentStatus.READY
        self.mime_type = self.mime_type or mime_type
        self.file_name = self.file_name or file_name
        self.size = size
        self.error = None

    def fetch_failed(self, error: str, *, final: bool) -> None:
        """An attempt failed; `final` gives up (the reason stays on the attachment)."""
        self.fetch_attempts += 1
        self.error = error
        if final:
            self.status = AttachmentStatus.FAILED


@dataclass
class Message:
    id: str
    account_id: str
    inbox_id: str
    conversation_id: str
    message_type: MessageType
    content: str | None
    content_type: str
    status: MessageStatus
    created_at: datetime
    source_id: str | None = None
    external_error: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    content_attributes: dict[str, Any] = field(default_factory=dict)
    delivery_attempts: int = 0
    next_attempt_at: datetime | None = None

    @classmethod
    def incoming(
        cls,
        *,
        account_id: str,
        inbox_id: str,
        conversation_id: str,
        source_id: str,
        content: str | None,
        content_type: str,
        created_at: datetime,
        attachments: list[Attachment] | None = None,
        content_attributes: dict[str, Any] | None = None,
    ) -> Message:
        return cls(
            id=new_id(),
            account_id=account_id,
            inbox_id=inbox_id,
            conversation_id=conversation_id,
            message_type=MessageType.INCOMING,
            content=content,
            content_type=content_type,
            status=MessageStatus.DELIVERED,
            created_at=created_at,
            source_id=source_id,
            attachments=attachments or [],
            content_attributes=content_attributes or {},
        )

    @classmethod
    def outgoing(
        cls,
        *,
        account_id: str,
        inbox_id: str,
        conversation_id: str,
        content: str | None,
        content_type: str,
        created_at: datetime,
        attachments: list[Attachment] | None = None,
        content_attributes: dict[str, Any] | None = None,
    ) -> Message:
        return cls(
            id=new_id(),
            account_id=account_id,
            inbox_id=inbox_id,
            conversation_id=conversation_id,
            message_type=MessageType.OUTGOING,
            content=content,
            content_type=content_type,
            status=MessageStatus.PENDING,
            created_at=created_at,
            attachments=attachments or [],
            content_attributes=content_attributes or {},
            next_attempt_at=created_at,
        )

    @property
    def media_pending(self) -> bool:
        """Some attachment's bytes are still to be fetched from the provider."""
        return any(a.needs_fetch for a in self.attachments)

    def apply_status(self, status: MessageStatus, error: str | None = None) -> bool:
        """Move the status forward only; returns whether anything changed.

        pending < sent < delivered < read; `failed` may arrive at any point before `read` and is
        final, except through `retry`. A late `delivered` after `read` is ignored.
        """
        if self.status is MessageStatus.FAILED or status.rank <= self.status.rank:
            return False
        if status is MessageStatus.FAILED and self.status is MessageStatus.READ:
            return False
        self.status = status
        if status is MessageStatus.FAILED:
            self.external_error = error or "failed"
        return True

    def mark_sent(self, source_id: str | None) -> None:
        if source_id:
            self.source_id = source_id
        self.external_error = None
        self.apply_status(MessageStatus.SENT)
        self.next_attempt_at = None

    def mark_failed(self, error: str) -> None:
        self.external_error = error
        self.apply_status(MessageStatus.FAILED, error)
        self.next_attempt_at = None

    def postpone(self, at: datetime) -> None:
        """Held back before sending (the channel's send rate): neither an attempt nor an error."""
        self.delivery_attempts = max(0, self.delivery_attempts - 1)
        self.next_attempt_at = at

    def schedule_retry(self, at: datetime, error: str) -> None:
        self.external_error = error
        self.next_attempt_at = at

    def retry(self, now: datetime) -> None:
        """An explicit retry of a failed outgoing message: the one way out of `failed`."""
        self.status = MessageStatus.PENDING
        self.external_error = None
        self.delivery_attempts = 0
        self.next_attempt_at = now

    def edit(self, content: str | None) -> None:
        edits = list(self.content_attributes.get("edits", []))
        edits.append(self.content)
        self.content_attributes = {**self.content_attributes, "edits": edits}
        self.content = content

    def mark_deleted(self) -> None:
        self.content_attributes = {**self.content_attributes, "deleted": True}
