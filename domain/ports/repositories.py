"""Repository ports. They run inside a unit of work; none of them commits."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from domain.accounts import Account, Inbox
from domain.contacts import Contact, ContactInbox, ContactProfile
from domain.conversations import Conversation
from domain.messages import Message
from domain.pagination import Page


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def get(self, account_id: str) -> Account | None: ...

    def by_token_hash(self, token_hash: str) -> Account | None: ...


class InboxRepository(Protocol):
    def add(self, inbox: Inbox) -> None: ...

    def update(self, inbox: Inbox) -> None: ...

    def get(self, account_id: str, inbox_id: str) -> Inbox | None:
        """None also when the inbox belongs to another account."""
        ...

    def by_key(self, inbox_key: str) -> Inbox | None: ...

    def by_id(self, inbox_id: str) -> Inbox | None:
        """Any account's inbox: for workers and replays, never for a request's path."""
        ...

    def with_type(self, channel_type: str) -> list[Inbox]:
        """Every account's inboxes of this channel type, oldest first.

        For providers that call one URL for many inboxes (Meta routes by phone number id).
        """
        ...

    def list(self, account_id: str) -> list[Inbox]: ...


class ContactRepository(Protocol):
    def get_or_create(
        self,
        *,
        account_id: str,
        inbox_id: str,
        source_id: str,
        profile: ContactProfile,
        now: datetime,
    ) -> tuple[Contact, ContactInbox]:
        """The contact behind `(inbox_id, source_id)`, created when new.

        Safe under concurrency: two units of work racing on the same pair end with one row
        (the database's uniqueness decides, not a read-then-write).
        """
        ...

    def get(self, account_id: str, contact_id: str) -> Contact | None: ...

    def update(self, contact: Contact) -> None: ...

    def get_contact_inbox(self, contact_inbox_id: str) -> ContactInbox | None: ...

    def readdress(self, contact_inbox_id: str, source_id: str) -> bool:
        """Give the contact inbox the provider's new id for it (a chat that moved).

        False, changing nothing, when another contact inbox of the inbox already has that id.
        """
        ...

    def set_unreachable(self, contact_inbox_id: str, reason: str | None) -> None:
        """Record why the contact cannot be reached on this inbox; None: reachable again."""
        ...

    def list(
        self, account_id: str, *, q: str | None, cursor: str | None, limit: int
    ) -> Page[Contact]:
        """Newest first; `q` matches name, email, phone number or identifier (substring)."""
        ...


class ConversationRepository(Protocol):
    def active_for(self, contact_inbox_id: str) -> Conversation | None:
        """The conversation of this contact inbox that is not resolved, if any."""
        ...

    def latest_for(self, contact_inbox_id: str) -> Conversation | None: ...

    def add_unless_active(self, conversation: Conversation) -> Conversation:
        """Store a new conversation unless the contact inbox already has an active one.

        Returns whichever is active afterwards (the database keeps at most one).
        """
        ...

    def update(self, conversation: Conversation) -> None: ...

    def get(self, account_id: str, conversation_id: str) -> Conversation | None: ...

    def list(
        self,
        account_id: str,
        *,
        inbox_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Conversation]:
        """Newest activity first (`last_activity_at` desc, then id desc)."""
        ...


class MessageRepository(Protocol):
    def add(self, message: Message) -> bool:
        """Insert; False (and nothing stored) when `(inbox_id, source_id)` already exists."""
        ...

    def update(self, message: Message) -> None: ...

    def get(self, account_id: str, message_id: str) -> Message | None: ...

    def get_for_update(self, message_id: str) -> Message | None:
        """Load and lock the row until the unit of work ends (status changes race)."""
        ...

    def by_source_id(self, inbox_id: str, source_id: str) -> Message | None: ...

    def latest_incoming(self, conversation_id: str) -> Message | None:
        """The conversation's newest incoming message (by `created_at`, then id)."""
        ...

    def list(self, conversation_id: str, *, cursor: str | None, limit: int) -> Page[Message]:
        """Oldest first (`created_at`, then id)."""
        ...

    def claim_for_delivery(self, message_id: str, now: datetime, lease_until: datetime) -> bool:
        """Atomically take a pending outgoing message for one delivery attempt.

        True for exactly one caller while the lease lasts; it also counts the attempt.
        False when the message is not pending, not due, or claimed by someone else.
        """
        ...

    def release_claim(self, message_id: str) -> None: ...

    def pending_media(self, limit: int) -> builtins.list[str]:
        """Ids of messages with an attachment still to fetch (`Message.media_pending`), oldest
        first: what a restart must queue again."""
        ...

    def due_deliveries(self, now: datetime, limit: int) -> builtins.list[tuple[str, datetime]]:
        """Pending outgoing messages not under a live claim, with when each is due."""
        ...


@dataclass
class RawEvent:
    """A verified webhook request as it came, kept so a later parser can process it again."""

    id: str
    inbox_id: str
    channel_type: str
    received_at: datetime
    headers: Mapping[str, str]
    body: bytes
    url: str
    query: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    processed_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class RawEventRepository(Protocol):
    def add(self, event: RawEvent) -> None: ...

    def update(self, event: RawEvent) -> None: ...

    def list(
        self,
        *,
        inbox_id: str | None = None,
        since: datetime | None = None,
        only_failed: bool = False,
        after_id: str | None = None,
        limit: int = 500,
    ) -> builtins.list[RawEvent]:
        """Oldest first, by id; `after_id` pages through."""
        ...

    def purge(self, before: datetime) -> int:
        """Delete events received before `before`; returns how many."""
        ...
