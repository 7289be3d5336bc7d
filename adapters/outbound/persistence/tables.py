"""The schema, as SQLAlchemy Core tables. Migrations must produce exactly this (a test checks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC in Python, whatever the database keeps.

    SQLite has no time zones: values are stored as naive UTC text, so that text order is time
    order, and come back marked UTC. Naive datetimes are refused: they are a bug upstream.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = _utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    # On SQLite every webhook binds and reads several of these: SQLAlchemy's own text format
    # ("2025-03-01 12:00:00.123456") written and read by the C-coded isoformat/fromisoformat,
    # about five times faster than its generic formatting and regular expression.
    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not UTC:
                value = _utc(value)
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")

        return process

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | datetime | None) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            return self.process_result_value(value, dialect)

        return process


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: channelhub stores aware UTC times only")
    return value.astimezone(UTC)


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(64)
NOT_RESOLVED = sa.text("status <> 'resolved'")
MEDIA_PENDING = sa.text("media_pending")
PENDING_OUTGOING = sa.text("status = 'pending' AND message_type = 'outgoing'")


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE")


accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

inboxes = sa.Table(
    "inboxes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("channel_type", sa.String(64), nullable=False),
    # The config without its secret fields: safe to read in a database console.
    sa.Column("config", sa.JSON, nullable=False),
    # The secret fields as one encrypted JSON document (SecretBox).
    sa.Column("secrets", sa.Text, nullable=False),
    sa.Column("inbox_key", sa.String(128), nullable=False, unique=True),
    # Set when the provider refused the credentials (e.g. an expired token); cleared by a PATCH.
    sa.Column("credentials_error", sa.Text),
    sa.Column("webhook_error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.id"), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("phone_number", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("identifier", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_contacts_account_created", "account_id", "created_at", "id"),
)

contact_inboxes = sa.Table(
    "contact_inboxes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("contact_id", ID, _fk("contacts.id"), nullable=False, index=True),
    sa.Column("inbox_id", ID, _fk("inboxes.id"), nullable=False),
    sa.Column("source_id", sa.Text, nullable=False),
    # Set when the provider says the contact cannot be reached here (opted out, blocked).
    sa.Column("unreachable_reason", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("inbox_id", "source_id"),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.id"), nullable=False),
    sa.Column("inbox_id", ID, _fk("inboxes.id"), nullable=False),
    sa.Column("contact_id", ID, _fk("contacts.id"), nullable=False, index=True),
    sa.Column("contact_inbox_id", ID, _fk("contact_inboxes.id"), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("last_incoming_at", UtcDateTime),
    sa.Column("last_activity_at", UtcDateTime, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # At most one conversation per contact inbox is not resolved: the database decides races.
    sa.Index(
        "uq_conversations_active_contact_inbox",
        "contact_inbox_id",
        unique=True,
        sqlite_where=NOT_RESOLVED,
        postgresql_where=NOT_RESOLVED,
    ),
    sa.Index("ix_conversations_contact_inbox_created", "contact_inbox_id", "created_at", "id"),
    sa.Index("ix_conversations_account_activity", "account_id", "last_activity_at", "id"),
    sa.Index("ix_conversations_inbox_activity", "inbox_id", "last_activity_at", "id"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_id", ID, _fk("accounts.id"), nullable=False),
    sa.Column("inbox_id", ID, _fk("inboxes.id"), nullable=False),
    sa.Column("conversation_id", ID, _fk("conversations.id"), nullable=False),
    sa.Column("message_type", sa.String(16), nullable=False),
    sa.Column("content", sa.Text),
    sa.Column("content_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # NULL until the provider accepted an outgoing message; NULLs never collide in the index.
    sa.Column("source_id", sa.Text),
    sa.Column("external_error", sa.Text),
    sa.Column("attachments", sa.JSON, nullable=False),
    sa.Column("content_attributes", sa.JSON, nullable=False),
    sa.Column("delivery_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UtcDateTime),
    sa.Column("claimed_until", UtcDateTime),
    # True while an attachment's bytes wait to be fetched: what a restart queues again.
    sa.Column("media_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("inbox_id", "source_id"),
    sa.Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),
    # Small: only the outgoing messages that still wait for a delivery.
    sa.Index(
        "ix_messages_pending_delivery",
        "next_attempt_at",
        sqlite_where=PENDING_OUTGOING,
        postgresql_where=PENDING_OUTGOING,
    ),
    sa.Index(
        "ix_messages_media_pending",
        "created_at",
        sqlite_where=MEDIA_PENDING,
        postgresql_where=MEDIA_PENDING,
    ),
)

raw_events = sa.Table(
    "raw_events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("inbox_id", ID, _fk("inboxes.id"), nullable=False, index=True),
    sa.Column("channel_type", sa.String(64), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("query", sa.JSON, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("processed_at", UtcDateTime),
    sa.Column("extra", sa.JSON, nullable=False),
)

# Fetched attachment bytes, by attachment id (attachments live in messages.attachments).
media_blobs = sa.Table(
    "media_blobs",
    metadata,
    sa.Column("attachment_id", ID, primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("mime_type", sa.String(255)),
    sa.Column("file_name", sa.Text),
    sa.Column("stored_at", UtcDateTime, nullable=False),
)

ALL_TABLES = (
    accounts,
    inboxes,
    contacts,
    contact_inboxes,
    conversations,
    messages,
    raw_events,
    media_blobs,
)
