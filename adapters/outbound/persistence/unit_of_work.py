"""One database transaction, with every repository working on its connection."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import sqlalchemy as sa

from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence.accounts import (
    SqlAlchemyAccountRepository,
    SqlAlchemyInboxRepository,
)
from adapters.outbound.persistence.contacts import SqlAlchemyContactRepository
from adapters.outbound.persistence.conversations import SqlAlchemyConversationRepository
from adapters.outbound.persistence.engine import READ_ONLY
from adapters.outbound.persistence.messages import SqlAlchemyMessageRepository
from adapters.outbound.persistence.pending import PendingWrites
from adapters.outbound.persistence.raw_events import SqlAlchemyRawEventRepository
from domain.ports.repositories import (
    AccountRepository,
    ContactRepository,
    ConversationRepository,
    InboxRepository,
    MessageRepository,
    RawEventRepository,
)


class SqlAlchemyUnitOfWork:
    """`with SqlAlchemyUnitOfWork(engine, box) as uow: ...; uow.commit()`.

    The transaction begins with the first statement (on SQLite that takes the write lock), so a
    unit of work that never touches the database costs nothing. Leaving without `commit()`
    rolls back.
    """

    accounts: AccountRepository
    inboxes: InboxRepository
    contacts: ContactRepository
    conversations: ConversationRepository
    messages: MessageRepository
    raw_events: RawEventRepository

    def __init__(
        self,
        engine: sa.Engine,
        secret_box: SecretBox,
        *,
        hold_writes: bool | None = None,
        read_only: bool = False,
    ) -> None:
        self._engine = engine
        self._secret_box = secret_box
        self._connection: sa.Connection | None = None
        # On SQLite a reader takes no lock, so it never queues behind the writers; it must not
        # write (a write fails). PostgreSQL's readers never wait for writers anyway.
        self._read_only = read_only and engine.dialect.name == "sqlite"
        # Only where a transaction holds the write lock from its first statement (pending.py).
        sqlite = engine.dialect.name == "sqlite" and not self._read_only
        self._hold_writes = sqlite if hold_writes is None else hold_writes
        self._pending: PendingWrites | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        connection = self._engine.connect()
        self._connection = connection
        if self._read_only:
            connection.info[READ_ONLY] = True
        pending = self._pending = PendingWrites(connection) if self._hold_writes else None
        self.accounts = SqlAlchemyAccountRepository(connection)
        self.inboxes = SqlAlchemyInboxRepository(connection, self._secret_box)
        self.contacts = SqlAlchemyContactRepository(connection)
        self.conversations = SqlAlchemyConversationRepository(connection, pending)
        self.messages = SqlAlchemyMessageRepository(connection, pending)
        self.raw_events = SqlAlchemyRawEventRepository(connection, pending)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._pending is not None:
            self._pending.discard()
            self._pending = None
        try:
            if connection.in_transaction():
                connection.rollback()
            if self._read_only:
                _writable_again(connection)
        finally:
            connection.close()

    def commit(self) -> None:
        connection = self._active()
        if self._pending is not None:
            self._pending.flush()
        connection.commit()

    def rollback(self) -> None:
        connection = self._active()
        if self._pending is not None:
            self._pending.discard()
        connection.rollback()

    def _active(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not entered: use it in a `with` block")
        return self._connection


def _writable_again(connection: sa.Connection) -> None:
    """Hand the pooled connection back as every other unit of work expects it, or not at all."""
    connection.info.pop(READ_ONLY, None)
    if connection.invalidated:
        return
    try:
        # On the driver: through SQLAlchemy this would begin a transaction of its own.
        connection.connection.dbapi_connection.execute("PRAGMA query_only=OFF")  # type: ignore[union-attr]
    except Exception:  # whatever the driver raised, this connection must not be reused
        connection.invalidate()
        raise
