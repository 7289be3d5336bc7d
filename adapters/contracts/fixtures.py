"""What the storage contract suites share: the base class, data builders and a race runner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

import pytest

from application.ports import UnitOfWorkFactory
from domain.accounts import Account, Inbox
from domain.channels import Channel
from domain.contacts import Contact, ContactInbox, ContactProfile
from domain.conversations import Conversation, ConversationStatus
from domain.ids import new_id, new_key
from domain.messages import Attachment, AttachmentStatus, Message

T = TypeVar("T")

# Microseconds on purpose: a store that drops them breaks cursors and ordering.
T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)

RACE_TIMEOUT_SECONDS = 120.0


def at(seconds: float) -> datetime:
    """`seconds` after the suites' reference time."""
    return T0 + timedelta(seconds=seconds)


class StoreContract:
    """Base of the storage suites; a subclass provides the `uow_factory` fixture.

    `uow_factory` is a zero-argument callable that returns a new unit of work; each test needs a
    fresh, empty store behind it.
    """

    #: Set to False when units of work from several threads cannot run against one store.
    concurrent_units_of_work: ClassVar[bool] = True
    #: How many threads race in the concurrency tests.
    race_threads: ClassVar[int] = 50

    def race(self, work: Callable[[], T]) -> list[T]:
        """Run `work` in `race_threads` threads released at the same moment; their results."""
        if not self.concurrent_units_of_work:
            pytest.skip("this adapter does not run units of work from several threads")
        count = self.race_threads
        start = threading.Barrier(count)

        def contender() -> T:
            start.wait(timeout=RACE_TIMEOUT_SECONDS)
            return work()

        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(contender) for _ in range(count)]
            return [future.result(timeout=RACE_TIMEOUT_SECONDS) for future in futures]


def an_account(name: str = "Acme") -> Account:
    return Account(id=new_id(), name=name, token_hash=new_key(32), created_at=T0)


def a_channel(**config: Any) -> Channel:
    values = {
        "callback_url": "https://example.com/callback",
        "hmac_secret": "hmac-secret-value",
        **config,
    }
    return Channel(type="api", config=values, secret_fields=frozenset({"hmac_secret"}))


def an_inbox(account_id: str, name: str = "Support", channel: Channel | None = None) -> Inbox:
    return Inbox.create(account_id, name, channel or a_channel(), T0)


def add_account(uow_factory: UnitOfWorkFactory, name: str = "Acme") -> Account:
    account = an_account(name)
    with uow_factory() as uow:
        uow.accounts.add(account)
        uow.commit()
    return account


def add_inbox(uow_factory: UnitOfWorkFactory, account_id: str, name: str = "Support") -> Inbox:
    inbox = an_inbox(account_id, name)
    with uow_factory() as uow:
        uow.inboxes.add(inbox)
        uow.commit()
    return inbox


def add_contact(
    uow_factory: UnitOfWorkFactory,
    inbox: Inbox,
    source_id: str,
    profile: ContactProfile | None = None,
    now: datetime = T0,
) -> tuple[Contact, ContactInbox]:
    with uow_factory() as uow:
        pair = uow.contacts.get_or_create(
            account_id=inbox.account_id,
            inbox_id=inbox.id,
            source_id=source_id,
            profile=profile or ContactProfile(name=f"Contact {source_id}"),
            now=now,
        )
        uow.commit()
    return pair


def a_conversation(
    inbox: Inbox, contact_inbox: ContactInbox, now: datetime = T0, status: str = "open"
) -> Conversation:
    conversation = Conversation.start(
        inbox.account_id, inbox.id, contact_inbox.contact_id, contact_inbox.id, now
    )
    conversation.status = ConversationStatus(status)
    return conversation


@dataclass
class Scene:
    """One account with one inbox, one contact and one open conversation, all committed."""

    account: Account
    inbox: Inbox
    contact: Contact
    contact_inbox: ContactInbox
    conversation: Conversation

    def incoming(self, source_id: str, created_at: datetime = T0, **fields: Any) -> Message:
        return Message.incoming(
            account_id=self.account.id,
            inbox_id=self.inbox.id,
            conversation_id=self.conversation.id,
            source_id=source_id,
            content=fields.pop("content", f"hello {source_id}"),
            content_type=fields.pop("content_type", "text"),
            created_at=created_at,
            **fields,
        )

    def outgoing(self, created_at: datetime = T0, **fields: Any) -> Message:
        message = Message.outgoing(
            account_id=self.account.id,
            inbox_id=self.inbox.id,
            conversation_id=self.conversation.id,
            content=fields.pop("content", "a reply"),
            content_type="text",
            created_at=created_at,
        )
        for name, value in fields.items():
            setattr(message, name, value)
        return message


def set_scene(uow_factory: UnitOfWorkFactory, account_name: str = "Acme") -> Scene:
    account = add_account(uow_factory, account_name)
    inbox = add_inbox(uow_factory, account.id)
    contact, contact_inbox = add_contact(uow_factory, inbox, "contact-1")
    conversation = a_conversation(inbox, contact_inbox)
    with uow_factory() as uow:
        uow.conversations.add_unless_active(conversation)
        uow.commit()
    return Scene(account, inbox, contact, contact_inbox, conversation)


def add_messages(uow_factory: UnitOfWorkFactory, *messages: Message) -> None:
    with uow_factory() as uow:
        for message in messages:
            assert uow.messages.add(message), f"message {message.id} was not stored"
        uow.commit()


def an_image() -> Attachment:
    return Attachment.create(
        "image",
        url="https://cdn.example.com/cat.jpg",
        mime_type="image/jpeg",
        file_name="cat.jpg",
        size=12345,
        status=AttachmentStatus.READY,
        provider_ref="media-77",
        extra={"sha256": "abc", "dimensions": [640, 480]},
    )


def a_location() -> Attachment:
    return Attachment.create(
        "location", extra={"latitude": 52.52, "longitude": 13.405, "name": "Berlin"}
    )
