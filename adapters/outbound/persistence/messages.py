"""Messages over SQLAlchemy Core, with the delivery claim that keeps each send single."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.outbound.persistence.dialects import insert_ignoring_conflict
from adapters.outbound.persistence.keyset import page_of, paginate
from adapters.outbound.persistence.pending import HoldingRepository
from adapters.outbound.persistence.prepared import PreparedStatement
from adapters.outbound.persistence.tables import messages
from domain.messages import Attachment, AttachmentStatus, Message, MessageStatus, MessageType
from domain.pagination import Page

_PENDING_OUTGOING = (messages.c.message_type == MessageType.OUTGOING.value) & (
    messages.c.status == MessageStatus.PENDING.value
)


# Every webhook asks this first (see prepared.py).
_BY_SOURCE_ID = PreparedStatement(
    sa.select(messages).where(
        (messages.c.inbox_id == sa.bindparam("inbox_id"))
        & (messages.c.source_id == sa.bindparam("source_id"))
    )
)
_INSERT = PreparedStatement(messages.insert())


def _unclaimed(now: datetime) -> sa.ColumnElement[bool]:
    return messages.c.claimed_until.is_(None) | (messages.c.claimed_until < now)


class SqlAlchemyMessageRepository(HoldingRepository):
    """`pending` (SQLite only): hold back inserts that cannot conflict (see pending.py)."""

    def add(self, message: Message) -> bool:
        values = {
            "id": message.id,
            "account_id": message.account_id,
            "inbox_id": message.inbox_id,
            "conversation_id": message.conversation_id,
            "message_type": message.message_type.value,
            "created_at": message.created_at,
            **_mutable_values(message),
        }
        key = (message.inbox_id, message.source_id or "")
        if self._pending is not None and message.source_id and self._pending.may_hold_message(key):
            self._pending.hold_message(key, _INSERT, values)
            return True
        return insert_ignoring_conflict(
            self._connection, messages, values, conflict_on=("inbox_id", "source_id")
        )

    def update(self, message: Message) -> None:
        self._connection.execute(
            messages.update().where(messages.c.id == message.id).values(**_mutable_values(message))
        )

    def get(self, account_id: str, message_id: str) -> Message | None:
        return self._first(
            sa.select(messages).where(
                (messages.c.id == message_id) & (messages.c.account_id == account_id)
            )
        )

    def get_for_update(self, message_id: str) -> Message | None:
        # FOR UPDATE on PostgreSQL; SQLite renders nothing and BEGIN IMMEDIATE already serialises.
        return self._first(sa.select(messages).where(messages.c.id == message_id).with_for_update())

    def by_source_id(self, inbox_id: str, source_id: str) -> Message | None:
        key = (inbox_id, source_id)
        # A held message is not in the database yet; every other one is.
        held = self._pending is not None and self._pending.holds_message(key)
        row = _BY_SOURCE_ID.first(
            self._connection if held else self._db, {"inbox_id": inbox_id, "source_id": source_id}
        )
        if row is not None:
            return _message(row)
        if self._pending is not None:
            self._pending.note_absent(key)
        return None

    def latest_incoming(self, conversation_id: str) -> Message | None:
        row = self._connection.execute(
            sa.select(messages)
            .where(
                (messages.c.conversation_id == conversation_id)
                & (messages.c.message_type == MessageType.INCOMING.value)
            )
            .order_by(messages.c.created_at.desc(), messages.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _message(row)

    def list(self, conversation_id: str, *, cursor: str | None, limit: int) -> Page[Message]:
        statement = paginate(
            sa.select(messages).where(messages.c.conversation_id == conversation_id),
            messages.c.created_at,
            messages.c.id,
            descending=False,
            cursor=cursor,
        )
        rows = self._connection.execute(statement.limit(limit + 1)).all()
        return page_of([_message(row) for row in rows], limit, lambda m: (m.created_at, m.id))

    def claim_for_delivery(self, message_id: str, now: datetime, lease_until: datetime) -> bool:
        # One statement: the row lock (PostgreSQL) or the write lock (SQLite) makes it atomic,
        # and PostgreSQL re-checks the WHERE clause on the row a concurrent claim just changed.
        result = self._connection.execute(
            messages.update()
            .where(
                (messages.c.id == message_id)
                & _PENDING_OUTGOING
                & (messages.c.next_attempt_at.is_(None) | (messages.c.next_attempt_at <= now))
                & _unclaimed(now)
            )
            .values(
                claimed_until=lease_until,
                delivery_attempts=messages.c.delivery_attempts + 1,
            )
        )
        return result.rowcount == 1

    def pending_media(self, limit: int) -> builtins.list[str]:
        rows = self._connection.execute(
            sa.select(messages.c.id)
            .where(messages.c.media_pending)
            .order_by(messages.c.created_at, messages.c.id)
            .limit(limit)
        )
        return [row.id for row in rows]

    def release_claim(self, message_id: str) -> None:
        self._connection.execute(
            messages.update().where(messages.c.id == message_id).values(claimed_until=None)
        )

    def due_deliveries(self, now: datetime, limit: int) -> builtins.list[tuple[str, datetime]]:
        due_at = sa.func.coalesce(messages.c.next_attempt_at, messages.c.created_at)
        rows = self._connection.execute(
            sa.select(messages.c.id, messages.c.next_attempt_at, messages.c.created_at)
            .where(_PENDING_OUTGOING & _unclaimed(now))
            .order_by(due_at, messages.c.id)
            .limit(limit)
        )
        return [(row.id, row.next_attempt_at or row.created_at) for row in rows]

    def _first(self, statement: sa.Select[Any]) -> Message | None:
        row = self._connection.execute(statement).first()
        return None if row is None else _message(row)


def _mutable_values(message: Message) -> dict[str, Any]:
    return {
        "content": message.content,
        "content_type": message.content_type,
        "status": message.status.value,
        "source_id": message.source_id,
        "external_error": message.external_error,
        "attachments": [_attachment_json(a) for a in message.attachments],
        "content_attributes": message.content_attributes,
        "delivery_attempts": message.delivery_attempts,
        "next_attempt_at": message.next_attempt_at,
        "media_pending": message.media_pending,
    }


def _attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "file_type": attachment.file_type,
        "url": attachment.url,
        "mime_type": attachment.mime_type,
        "file_name": attachment.file_name,
        "size": attachment.size,
        "status": attachment.status.value,
        "provider_ref": attachment.provider_ref,
        "extra": attachment.extra,
        "fetch_attempts": attachment.fetch_attempts,
        "error": attachment.error,
    }


def _attachment(data: dict[str, Any]) -> Attachment:
    return Attachment(
        id=data["id"],
        file_type=data["file_type"],
        url=data.get("url"),
        mime_type=data.get("mime_type"),
        file_name=data.get("file_name"),
        size=data.get("size"),
        status=AttachmentStatus(data.get("status", AttachmentStatus.PENDING.value)),
        provider_ref=data.get("provider_ref"),
        extra=data.get("extra") or {},
        fetch_attempts=data.get("fetch_attempts", 0),
        error=data.get("error"),
    )


def _message(row: sa.Row[Any]) -> Message:
    return Message(
        id=row.id,
        account_id=row.account_id,
        inbox_id=row.inbox_id,
        conversation_id=row.conversation_id,
        message_type=MessageType(row.message_type),
        content=row.content,
        content_type=row.content_type,
        status=MessageStatus(row.status),
        created_at=row.created_at,
        source_id=row.source_id,
        external_error=row.external_error,
        attachments=[_attachment(a) for a in row.attachments],
        content_attributes=row.content_attributes,
        delivery_attempts=row.delivery_attempts,
        next_attempt_at=row.next_attempt_at,
    )
