"""In-memory accounts, inboxes, contacts and conversations over one unit of work's snapshot."""

from __future__ import annotations

import builtins
from datetime import datetime

from adapters.outbound.in_memory.paging import paginate
from adapters.outbound.in_memory.store import StoreState, detached
from domain.accounts import Account, Inbox
from domain.contacts import Contact, ContactInbox, ContactProfile
from domain.conversations import Conversation, ConversationStatus
from domain.ids import new_id
from domain.pagination import Page


class InMemoryAccountRepository:
    def __init__(self, state: StoreState) -> None:
        self._accounts = state.accounts

    def add(self, account: Account) -> None:
        if account.id in self._accounts:
            raise ValueError(f"account {account.id} exists")
        if any(a.token_hash == account.token_hash for a in self._accounts.values()):
            raise ValueError("an account with this token hash exists")
        self._accounts[account.id] = detached(account)

    def get(self, account_id: str) -> Account | None:
        return detached(self._accounts.get(account_id))

    def by_token_hash(self, token_hash: str) -> Account | None:
        found = (a for a in self._accounts.values() if a.token_hash == token_hash)
        return detached(next(found, None))


class InMemoryInboxRepository:
    def __init__(self, state: StoreState) -> None:
        self._inboxes = state.inboxes

    def add(self, inbox: Inbox) -> None:
        if inbox.id in self._inboxes:
            raise ValueError(f"inbox {inbox.id} exists")
        if any(i.inbox_key == inbox.inbox_key for i in self._inboxes.values()):
            raise ValueError("an inbox with this key exists")
        self._inboxes[inbox.id] = detached(inbox)

    def update(self, inbox: Inbox) -> None:
        stored = self._inboxes.get(inbox.id)
        if stored is not None:
            updated = detached(inbox)
            updated.inbox_key, updated.account_id = stored.inbox_key, stored.account_id
            self._inboxes[inbox.id] = updated

    def get(self, account_id: str, inbox_id: str) -> Inbox | None:
        inbox = self._inboxes.get(inbox_id)
        return detached(inbox) if inbox and inbox.account_id == account_id else None

    def by_key(self, inbox_key: str) -> Inbox | None:
        found = (i for i in self._inboxes.values() if i.inbox_key == inbox_key)
        return detached(next(found, None))

    def by_id(self, inbox_id: str) -> Inbox | None:
        return detached(self._inboxes.get(inbox_id))

    def with_type(self, channel_type: str) -> builtins.list[Inbox]:
        found = [i for i in self._inboxes.values() if i.channel.type == channel_type]
        return detached(sorted(found, key=lambda i: (i.created_at, i.id)))

    def list(self, account_id: str) -> builtins.list[Inbox]:
        mine = [i for i in self._inboxes.values() if i.account_id == account_id]
        return detached(sorted(mine, key=lambda i: (i.created_at, i.id)))


class InMemoryContactRepository:
    def __init__(self, state: StoreState) -> None:
        self._contacts = state.contacts
        self._contact_inboxes = state.contact_inboxes
        self._sources = state.contact_inbox_sources

    def get_or_create(
        self,
        *,
        account_id: str,
        inbox_id: str,
        source_id: str,
        profile: ContactProfile,
        now: datetime,
    ) -> tuple[Contact, ContactInbox]:
        known = self._sources.get((inbox_id, source_id))
        if known is not None:
            contact_inbox = self._contact_inboxes[known]
            return detached(self._contacts[contact_inbox.contact_id]), detached(contact_inbox)
        contact = Contact(
            id=new_id(),
            account_id=account_id,
            name=profile.name,
            phone_number=profile.phone_number,
            email=profile.email,
            identifier=profile.identifier,
            created_at=now,
        )
        contact_inbox = ContactInbox(new_id(), contact.id, inbox_id, source_id, now)
        self._contacts[contact.id] = detached(contact)
        self._contact_inboxes[contact_inbox.id] = detached(contact_inbox)
        self._sources[(inbox_id, source_id)] = contact_inbox.id
        return contact, contact_inbox

    def get(self, account_id: str, contact_id: str) -> Contact | None:
        contact = self._contacts.get(contact_id)
        return detached(contact) if contact and contact.account_id == account_id else None

    def update(self, contact: Contact) -> None:
        stored = self._contacts.get(contact.id)
        if stored is not None:
            updated = detached(contact)
            updated.account_id, updated.created_at = stored.account_id, stored.created_at
            self._contacts[contact.id] = updated

    def get_contact_inbox(self, contact_inbox_id: str) -> ContactInbox | None:
        return detached(self._contact_inboxes.get(contact_inbox_id))

    def readdress(self, contact_inbox_id: str, source_id: str) -> bool:
        stored = self._contact_inboxes.get(contact_inbox_id)
        if stored is None or (stored.inbox_id, source_id) in self._sources:
            return False
        updated = detached(stored)
        updated.source_id = source_id
        del self._sources[(stored.inbox_id, stored.source_id)]
        self._sources[(stored.inbox_id, source_id)] = contact_inbox_id
        self._contact_inboxes[contact_inbox_id] = updated
        return True

    def set_unreachable(self, contact_inbox_id: str, reason: str | None) -> None:
        stored = self._contact_inboxes.get(contact_inbox_id)
        if stored is not None:
            updated = detached(stored)
            updated.unreachable_reason = reason
            self._contact_inboxes[contact_inbox_id] = updated

    def list(
        self, account_id: str, *, q: str | None, cursor: str | None, limit: int
    ) -> Page[Contact]:
        needle = q.lower() if q else None

        def matches(c: Contact) -> bool:
            if c.account_id != account_id:
                return False
            if needle is None:
                return True
            fields = (c.name, c.email, c.phone_number, c.identifier)
            return any(needle in value.lower() for value in fields if value)

        page = paginate(
            (c for c in self._contacts.values() if matches(c)),
            lambda c: (c.created_at, c.id),
            descending=True,
            cursor=cursor,
            limit=limit,
        )
        return Page(detached(page.items), page.next_cursor)


class InMemoryConversationRepository:
    def __init__(self, state: StoreState) -> None:
        self._conversations = state.conversations

    def active_for(self, contact_inbox_id: str) -> Conversation | None:
        return detached(self._active(contact_inbox_id))

    def latest_for(self, contact_inbox_id: str) -> Conversation | None:
        mine = [c for c in self._conversations.values() if c.contact_inbox_id == contact_inbox_id]
        return detached(max(mine, key=lambda c: (c.created_at, c.id), default=None))

    def add_unless_active(self, conversation: Conversation) -> Conversation:
        if conversation.status is not ConversationStatus.RESOLVED:
            active = self._active(conversation.contact_inbox_id)
            if active is not None:
                return detached(active)
        if conversation.id in self._conversations:
            raise ValueError(f"conversation {conversation.id} exists")
        self._conversations[conversation.id] = detached(conversation)
        return conversation

    def update(self, conversation: Conversation) -> None:
        stored = self._conversations.get(conversation.id)
        if stored is None:
            return
        if conversation.status is not ConversationStatus.RESOLVED:
            active = self._active(conversation.contact_inbox_id)
            if active is not None and active.id != conversation.id:
                # The SQL adapters' partial unique index refuses this too.
                raise ValueError(f"conversation {active.id} is already active")
        updated = detached(stored)
        updated.status = conversation.status
        updated.last_incoming_at = conversation.last_incoming_at
        updated.last_activity_at = conversation.last_activity_at
        self._conversations[conversation.id] = updated

    def get(self, account_id: str, conversation_id: str) -> Conversation | None:
        conversation = self._conversations.get(conversation_id)
        if conversation is None or conversation.account_id != account_id:
            return None
        return detached(conversation)

    def list(
        self,
        account_id: str,
        *,
        inbox_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Conversation]:
        page = paginate(
            (
                c
                for c in self._conversations.values()
                if c.account_id == account_id
                and (inbox_id is None or c.inbox_id == inbox_id)
                and (status is None or c.status.value == status)
            ),
            lambda c: (c.last_activity_at, c.id),
            descending=True,
            cursor=cursor,
            limit=limit,
        )
        return Page(detached(page.items), page.next_cursor)

    def _active(self, contact_inbox_id: str) -> Conversation | None:
        found = (
            c
            for c in self._conversations.values()
            if c.contact_inbox_id == contact_inbox_id
            and c.status is not ConversationStatus.RESOLVED
        )
        return next(found, None)
