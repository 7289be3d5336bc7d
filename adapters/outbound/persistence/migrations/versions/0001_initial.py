"""The initial schema: accounts, inboxes, contacts, conversations, messages, raw events, media.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
TIME = sa.DateTime(timezone=True)
NOT_RESOLVED = sa.text("status <> 'resolved'")
MEDIA_PENDING = sa.text("media_pending")
PENDING_OUTGOING = sa.text("status = 'pending' AND message_type = 'outgoing'")


def _fk(column: str, target: str, table: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{target_table}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("token_hash", name="uq_accounts_token_hash"),
    )
    op.create_table(
        "inboxes",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("channel_type", sa.String(64), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("secrets", sa.Text, nullable=False),
        sa.Column("inbox_key", sa.String(128), nullable=False),
        sa.Column("credentials_error", sa.Text),
        sa.Column("webhook_error", sa.Text),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inboxes"),
        _fk("account_id", "accounts.id", "inboxes"),
        sa.UniqueConstraint("inbox_key", name="uq_inboxes_inbox_key"),
    )
    op.create_index("ix_inboxes_account_id", "inboxes", ["account_id"])
    op.create_table(
        "contacts",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("phone_number", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("identifier", sa.Text),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
        _fk("account_id", "accounts.id", "contacts"),
    )
    op.create_index("ix_contacts_account_created", "contacts", ["account_id", "created_at", "id"])
    op.create_table(
        "contact_inboxes",
        sa.Column("id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("inbox_id", ID, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("unreachable_reason", sa.Text),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact_inboxes"),
        _fk("contact_id", "contacts.id", "contact_inboxes"),
        _fk("inbox_id", "inboxes.id", "contact_inboxes"),
        sa.UniqueConstraint("inbox_id", "source_id", name="uq_contact_inboxes_inbox_id_source_id"),
    )
    op.create_index("ix_contact_inboxes_contact_id", "contact_inboxes", ["contact_id"])
    op.create_table(
        "conversations",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("inbox_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("contact_inbox_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_incoming_at", TIME),
        sa.Column("last_activity_at", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        _fk("account_id", "accounts.id", "conversations"),
        _fk("inbox_id", "inboxes.id", "conversations"),
        _fk("contact_id", "contacts.id", "conversations"),
        _fk("contact_inbox_id", "contact_inboxes.id", "conversations"),
    )
    op.create_index(
        "uq_conversations_active_contact_inbox",
        "conversations",
        ["contact_inbox_id"],
        unique=True,
        sqlite_where=NOT_RESOLVED,
        postgresql_where=NOT_RESOLVED,
    )
    op.create_index(
        "ix_conversations_contact_inbox_created",
        "conversations",
        ["contact_inbox_id", "created_at", "id"],
    )
    op.create_index(
        "ix_conversations_account_activity",
        "conversations",
        ["account_id", "last_activity_at", "id"],
    )
    op.create_index(
        "ix_conversations_inbox_activity", "conversations", ["inbox_id", "last_activity_at", "id"]
    )
    op.create_index("ix_conversations_contact_id", "conversations", ["contact_id"])
    op.create_table(
        "messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("inbox_id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("message_type", sa.String(16), nullable=False),
        sa.Column("content", sa.Text),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_id", sa.Text),
        sa.Column("external_error", sa.Text),
        sa.Column("attachments", sa.JSON, nullable=False),
        sa.Column("content_attributes", sa.JSON, nullable=False),
        sa.Column("delivery_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TIME),
        sa.Column("claimed_until", TIME),
        sa.Column("media_pending", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        _fk("account_id", "accounts.id", "messages"),
        _fk("inbox_id", "inboxes.id", "messages"),
        _fk("conversation_id", "conversations.id", "messages"),
        sa.UniqueConstraint("inbox_id", "source_id", name="uq_messages_inbox_id_source_id"),
    )
    op.create_index(
        "ix_messages_conversation_created", "messages", ["conversation_id", "created_at", "id"]
    )
    op.create_index(
        "ix_messages_pending_delivery",
        "messages",
        ["next_attempt_at"],
        sqlite_where=PENDING_OUTGOING,
        postgresql_where=PENDING_OUTGOING,
    )
    op.create_index(
        "ix_messages_media_pending",
        "messages",
        ["created_at"],
        sqlite_where=MEDIA_PENDING,
        postgresql_where=MEDIA_PENDING,
    )
    op.create_table(
        "raw_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("inbox_id", ID, nullable=False),
        sa.Column("channel_type", sa.String(64), nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("query", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("processed_at", TIME),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_raw_events"),
        _fk("inbox_id", "inboxes.id", "raw_events"),
    )
    op.create_index("ix_raw_events_inbox_id", "raw_events", ["inbox_id"])
    op.create_index("ix_raw_events_received_at", "raw_events", ["received_at"])
    op.create_table(
        "media_blobs",
        sa.Column("attachment_id", ID, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("mime_type", sa.String(255)),
        sa.Column("file_name", sa.Text),
        sa.Column("stored_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("attachment_id", name="pk_media_blobs"),
    )


def downgrade() -> None:
    for table in (
        "media_blobs",
        "raw_events",
        "messages",
        "conversations",
        "contact_inboxes",
        "contacts",
        "inboxes",
        "accounts",
    ):
        op.drop_table(table)
