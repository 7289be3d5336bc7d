"""Webhooks ingested together with held writes (as a group commit batch on SQLite runs them) end
in exactly the state the same webhooks reach one transaction each, writing at once."""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.contracts.fixtures import T0, an_account, an_inbox
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork, create_database_engine
from adapters.outbound.persistence.tables import (
    contact_inboxes,
    contacts,
    conversations,
    messages,
    raw_events,
)
from application.ingest import EventIngestor
from application.ports import UnitOfWork
from domain.accounts import Inbox
from domain.contacts import ContactProfile
from domain.conversations import ConversationStatus
from domain.messages import MessageStatus
from domain.ports.repositories import RawEvent
from domain.ports.webhooks import (
    ContactReachabilityChanged,
    InboundEvent,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
    StatusUpdate,
)

MESSAGE_IDS = [f"m{i}" for i in range(5)]
SENDERS = [f"s{i}" for i in range(3)]


def at(step: int) -> Any:
    return T0 + timedelta(seconds=step)


senders = st.builds(
    Sender, st.sampled_from(SENDERS), st.one_of(st.none(), st.sampled_from(["Ann", "Bob"]))
)
events: st.SearchStrategy[InboundEvent | str] = st.one_of(
    st.builds(
        IncomingMessage,
        source_id=st.sampled_from(MESSAGE_IDS),
        sender=senders,
        content=st.sampled_from(["hi", "hello", None]),
        reply_to=st.one_of(st.none(), st.sampled_from(MESSAGE_IDS)),
        timestamp=st.integers(0, 50).map(at),
    ),
    st.builds(
        StatusUpdate,
        st.sampled_from(MESSAGE_IDS),
        st.sampled_from([MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED]),
    ),
    st.builds(MessageEdited, st.sampled_from(MESSAGE_IDS), st.sampled_from(["edited", "again"])),
    st.builds(MessageDeleted, st.sampled_from(MESSAGE_IDS)),
    st.builds(
        ReactionReceived,
        source_id=st.sampled_from(["r0", "r1"]),
        sender=senders,
        emoji=st.sampled_from(["👍", "❤️"]),
        target_source_id=st.sampled_from(MESSAGE_IDS),
    ),
    st.builds(ContactReachabilityChanged, st.sampled_from(SENDERS), st.booleans()),
    # Not a provider event: an agent resolves the sender's conversation between webhooks.
    st.sampled_from(SENDERS).map(lambda sender: f"resolve:{sender}"),
)
webhooks = st.lists(st.lists(events, min_size=1, max_size=3), min_size=1, max_size=8)


def apply(uow: UnitOfWork, inbox: Inbox, step: int, webhook: list[InboundEvent | str]) -> None:
    ingestor = EventIngestor(uow, inbox, at(100 + step))
    for event in webhook:
        if isinstance(event, str):
            resolve(uow, inbox, event.split(":", 1)[1])
        else:
            ingestor.apply(event)
    uow.raw_events.add(
        RawEvent(
            id=f"raw-{step}",
            inbox_id=inbox.id,
            channel_type="api",
            received_at=at(100 + step),
            headers={},
            body=b"{}",
            url="https://hub.example.com/webhooks/api/key",
            query={},
            processed_at=at(100 + step),
        )
    )


def resolve(uow: UnitOfWork, inbox: Inbox, sender: str) -> None:
    _, contact_inbox = uow.contacts.get_or_create(
        account_id=inbox.account_id,
        inbox_id=inbox.id,
        source_id=sender,
        profile=ContactProfile(),
        now=T0,
    )
    conversation = uow.conversations.active_for(contact_inbox.id)
    if conversation is not None:
        conversation.status = ConversationStatus.RESOLVED
        uow.conversations.update(conversation)


def state(engine: sa.Engine) -> dict[str, Any]:
    """Everything stored, named by provider ids rather than generated ones."""
    with engine.connect() as connection:
        sender_of = {
            row.id: row.source_id
            for row in connection.execute(
                sa.select(contact_inboxes.c.id, contact_inboxes.c.source_id)
            )
        }
        conversation_sender = {
            row.id: (sender_of[row.contact_inbox_id], row.created_at)
            for row in connection.execute(sa.select(conversations))
        }
        source_of = {
            row.id: row.source_id
            for row in connection.execute(sa.select(messages.c.id, messages.c.source_id))
        }
        stored_messages = sorted(
            (
                row.source_id,
                conversation_sender[row.conversation_id][0],
                row.content,
                row.content_type,
                row.status,
                str(row.created_at),
                repr(
                    sorted(
                        (key, source_of.get(value, value) if key == "in_reply_to" else value)
                        for key, value in (row.content_attributes or {}).items()
                    )
                ),
            )
            for row in connection.execute(sa.select(messages))
        )
        stored_conversations = sorted(
            (
                sender_of[row.contact_inbox_id],
                row.status,
                str(row.last_incoming_at),
                str(row.last_activity_at),
            )
            for row in connection.execute(sa.select(conversations))
        )
        stored_contacts = sorted(
            (sender_of[row.ci_id], row.name, row.unreachable_reason)
            for row in connection.execute(
                sa.select(
                    contacts.c.name,
                    contact_inboxes.c.id.label("ci_id"),
                    contact_inboxes.c.unreachable_reason,
                ).join(contact_inboxes, contact_inboxes.c.contact_id == contacts.c.id)
            )
        )
        raw = connection.execute(sa.select(sa.func.count()).select_from(raw_events)).scalar_one()
    return {
        "messages": stored_messages,
        "conversations": stored_conversations,
        "contacts": stored_contacts,
        "raw_events": raw,
    }


def fresh(template: Path, directory: Path) -> sa.Engine:
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, path)
    return create_database_engine(f"sqlite:///{path}")


def with_inbox(engine: sa.Engine, box: SecretBox) -> Inbox:
    account = an_account()
    inbox = an_inbox(account.id)
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        uow.accounts.add(account)
        uow.inboxes.add(inbox)
        uow.commit()
    return inbox


def run(
    engine: sa.Engine,
    box: SecretBox,
    batch: list[list[InboundEvent | str]],
    *,
    together: bool,
) -> dict[str, Any]:
    inbox = with_inbox(engine, box)
    if together:
        with SqlAlchemyUnitOfWork(engine, box, hold_writes=True) as uow:
            for step, webhook in enumerate(batch):
                apply(uow, inbox, step, webhook)
            uow.commit()
    else:
        for step, webhook in enumerate(batch):
            with SqlAlchemyUnitOfWork(engine, box, hold_writes=False) as uow:
                apply(uow, inbox, step, webhook)
                uow.commit()
    return state(engine)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=webhooks)
def test_a_batch_with_held_writes_ends_as_separate_transactions_do(
    batch: list[list[InboundEvent | str]],
    _migrated_sqlite_template: Path,
    tmp_path: Path,
    secret_box: SecretBox,
) -> None:
    engines = [fresh(_migrated_sqlite_template, tmp_path) for _ in range(2)]
    try:
        separately = run(engines[0], secret_box, batch, together=False)
        together = run(engines[1], secret_box, batch, together=True)
    finally:
        for engine in engines:
            engine.dispose()
    assert together == separately
