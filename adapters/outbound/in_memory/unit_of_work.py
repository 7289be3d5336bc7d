"""The in-memory unit of work: serialised by the store's lock, rolled back by dropping a copy."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from adapters.outbound.in_memory.messages import (
    InMemoryMessageRepository,
    InMemoryRawEventRepository,
)
from adapters.outbound.in_memory.repositories import (
    InMemoryAccountRepository,
    InMemoryContactRepository,
    InMemoryConversationRepository,
    InMemoryInboxRepository,
)
from adapters.outbound.in_memory.store import InMemoryStore, StoreState
from domain.ports.repositories import (
    AccountRepository,
    ContactRepository,
    ConversationRepository,
    InboxRepository,
    MessageRepository,
    RawEventRepository,
)


class InMemoryUnitOfWork:
    """Holds the store's lock from `__enter__` to `__exit__`, so units of work never interleave.

    Changes go to a snapshot that `commit()` publishes; leaving without it drops the snapshot.
    Opening a second unit of work on the same store in the same thread would wait forever, so it
    raises instead.
    """

    accounts: AccountRepository
    inboxes: InboxRepository
    contacts: ContactRepository
    conversations: ConversationRepository
    messages: MessageRepository
    raw_events: RawEventRepository

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._state: StoreState | None = None

    def __enter__(self) -> Self:
        me = threading.get_ident()
        if self._store.owner == me:
            raise RuntimeError("nested units of work on one in-memory store are not supported")
        self._store.lock.acquire()
        self._store.owner = me
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._state = None
        self._store.owner = None
        self._store.lock.release()

    def commit(self) -> None:
        self._store.state = self._active()
        self._begin()

    def rollback(self) -> None:
        self._active()
        self._begin()

    def _begin(self) -> None:
        state = self._store.state.snapshot()
        self._state = state
        self.accounts = InMemoryAccountRepository(state)
        self.inboxes = InMemoryInboxRepository(state)
        self.contacts = InMemoryContactRepository(state)
        self.conversations = InMemoryConversationRepository(state)
        self.messages = InMemoryMessageRepository(state)
        self.raw_events = InMemoryRawEventRepository(state)

    def _active(self) -> StoreState:
        if self._state is None:
            raise RuntimeError("the unit of work is not entered: use it in a `with` block")
        return self._state
