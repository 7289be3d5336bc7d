"""Writes held back on SQLite (pending.py): every read in the transaction still sees them."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.contracts.fixtures import Scene, at, set_scene
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork
from adapters.outbound.persistence.tables import conversations, messages, raw_events
from application.ports import UnitOfWorkFactory
from domain.conversations import ConversationStatus
from domain.ports.repositories import RawEvent


def factory(engine: sa.Engine, box: SecretBox) -> UnitOfWorkFactory:
    return lambda: SqlAlchemyUnitOfWork(engine, box)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def rows_in_transaction(uow: SqlAlchemyUnitOfWork, table: str) -> int:
    """What the transaction's own connection holds, asked below the repositories."""
    cursor = uow._active().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"SELECT count(*) FROM {table}")
    return int(cursor.fetchone()[0])


def scene(sqlite_engine: sa.Engine, secret_box: SecretBox) -> Scene:
    return set_scene(factory(sqlite_engine, secret_box))


def raw(scene: Scene, event_id: str) -> RawEvent:
    return RawEvent(
        id=event_id,
        inbox_id=scene.inbox.id,
        channel_type="api",
        received_at=at(0),
        headers={},
        body=b"{}",
        url="https://hub.example.com/webhooks/api/key",
        query={},
    )


def test_writes_are_held_on_sqlite_and_not_on_postgresql(
    sqlite_engine: sa.Engine, postgres_engine: sa.Engine, secret_box: SecretBox
) -> None:
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m1") is None
        assert uow.messages.add(s.incoming("m1"))
        uow.raw_events.add(raw(s, "ev-1"))
        assert rows_in_transaction(uow, "messages") == 0  # not handed to the driver yet
        uow.commit()
    assert count(sqlite_engine, messages) == 1
    assert count(sqlite_engine, raw_events) == 1

    p = set_scene(factory(postgres_engine, secret_box))
    with SqlAlchemyUnitOfWork(postgres_engine, secret_box) as uow:
        assert uow.messages.by_source_id(p.inbox.id, "m1") is None
        assert uow.messages.add(p.incoming("m1"))
        assert rows_in_transaction(uow, "messages") == 1
        uow.rollback()


def test_a_held_message_is_found_by_its_source_id_and_not_stored_twice(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m1") is None
        first = s.incoming("m1")
        assert uow.messages.add(first)
        found = uow.messages.by_source_id(s.inbox.id, "m1")
        assert found is not None and found.id == first.id
        assert not uow.messages.add(s.incoming("m1"))
        uow.commit()
    assert count(sqlite_engine, messages) == 1


def test_every_other_read_sees_what_is_held(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m1") is None
        message = s.incoming("m1")
        assert uow.messages.add(message)
        uow.raw_events.add(raw(s, "ev-1"))
        page = uow.messages.list(s.conversation.id, cursor=None, limit=10)
        assert [m.id for m in page.items] == [message.id]
        assert [e.id for e in uow.raw_events.list()] == ["ev-1"]
        stored = uow.messages.get(s.account.id, message.id)
        assert stored is not None and stored.content == message.content


def test_a_held_conversation_update_is_what_its_contact_inbox_reads(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        conversation = uow.conversations.active_for(s.contact_inbox.id)
        assert conversation is not None
        conversation.status = ConversationStatus.RESOLVED
        uow.conversations.update(conversation)
        assert uow.conversations.active_for(s.contact_inbox.id) is None
        latest = uow.conversations.latest_for(s.contact_inbox.id)
        assert latest is not None and latest.status is ConversationStatus.RESOLVED
        conversation.receive_incoming(at(5), at(5))
        uow.conversations.update(conversation)
        reopened = uow.conversations.active_for(s.contact_inbox.id)
        assert reopened is not None and reopened.last_incoming_at == at(5)
        fetched = uow.conversations.get(s.account.id, conversation.id)
        assert fetched is not None and fetched.status is ConversationStatus.OPEN
        uow.commit()
    with sqlite_engine.connect() as connection:
        row = connection.execute(sa.select(conversations)).one()
    assert row.status == "open" and row.last_incoming_at == at(5)


def test_leaving_without_commit_drops_what_is_held(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m1") is None
        assert uow.messages.add(s.incoming("m1"))
        uow.raw_events.add(raw(s, "ev-1"))
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m2") is None
        assert uow.messages.add(s.incoming("m2"))
        uow.rollback()
        uow.commit()  # nothing left to write
    assert count(sqlite_engine, messages) == 0
    assert count(sqlite_engine, raw_events) == 0


def test_only_a_source_id_just_found_missing_is_held(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    """Once anything else ran, what the database said may be stale: the insert goes at once and
    the database decides."""
    s = scene(sqlite_engine, secret_box)
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.messages.by_source_id(s.inbox.id, "m1") is None
        # Another path stores m1 in the same transaction (an outgoing message getting its id).
        reply = s.outgoing()
        assert uow.messages.add(reply)
        reply.source_id = "m1"
        uow.messages.update(reply)
        assert not uow.messages.add(s.incoming("m1"))
        uow.commit()
    assert count(sqlite_engine, messages) == 1
