"""In-memory messages (with delivery claims) and raw events over a unit of work's snapshot."""

from __future__ import annotations

import builtins
from datetime import datetime

from adapters.outbound.in_memory.paging import paginate
from adapters.outbound.in_memory.store import StoreState, detached
from domain.messages import Message, MessageStatus, MessageType
from domain.pagination import Page
from domain.ports.repositories import RawEvent


class InMemoryMessageRepository:
    def __init__(self, state: StoreState) -> None:
        self._messages = state.messages
        self._sources = state.message_sources
        self._claims = state.claims

    def add(self, message: Message) -> bool:
        key = (message.inbox_id, message.source_id) if message.source_id is not None else None
        if key is not None and key in self._sources:
            return False
        if message.id in self._messages:
            raise ValueError(f"message {message.id} exists")
        self._messages[message.id] = detached(message)
        if key is not None:
            self._sources[key] = message.id
        return True

    def update(self, message: Message) -> None:
        stored = self._messages.get(message.id)
        if stored is None:
            return
        if stored.source_id != message.source_id:
            self._move_source(stored, message.id, message.source_id)
        updated = detached(message)
        updated.account_id, updated.inbox_id = stored.account_id, stored.inbox_id
        updated.conversation_id, updated.message_type = stored.conversation_id, stored.message_type
        updated.created_at = stored.created_at
        self._messages[message.id] = updated

    def _move_source(self, stored: Message, message_id: str, source_id: str | None) -> None:
        # The unique (inbox_id, source_id) index of the SQL schema.
        if source_id is not None:
            holder = self._sources.get((stored.inbox_id, source_id), message_id)
            if holder != message_id:
                raise ValueError(f"source id {source_id} is taken in this inbox")
        if stored.source_id is not None:
            self._sources.pop((stored.inbox_id, stored.source_id), None)
        if source_id is not None:
            self._sources[(stored.inbox_id, source_id)] = message_id

    def get(self, account_id: str, message_id: str) -> Message | None:
        message = self._messages.get(message_id)
        return detached(message) if message and message.account_id == account_id else None

    def get_for_update(self, message_id: str) -> Message | None:
        # The unit of work already holds the store's lock.
        return detached(self._messages.get(message_id))

    def by_source_id(self, inbox_id: str, source_id: str) -> Message | None:
        message_id = self._sources.get((inbox_id, source_id))
        return None if message_id is None else detached(self._messages[message_id])

    def latest_incoming(self, conversation_id: str) -> Message | None:
        mine = [
            m
            for m in self._messages.values()
            if m.conversation_id == conversation_id and m.message_type is MessageType.INCOMING
        ]
        return detached(max(mine, key=lambda m: (m.created_at, m.id), default=None))

    def list(self, conversation_id: str, *, cursor: str | None, limit: int) -> Page[Message]:
        page = paginate(
            (m for m in self._messages.values() if m.conversation_id == conversation_id),
            lambda m: (m.created_at, m.id),
            descending=False,
            cursor=cursor,
            limit=limit,
        )
        return Page(detached(page.items), page.next_cursor)

    def claim_for_delivery(self, message_id: str, now: datetime, lease_until: datetime) -> bool:
        message = self._messages.get(message_id)
        if message is None or not self._deliverable(message, now):
            return False
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return False
        claimed = detached(message)
        claimed.delivery_attempts += 1
        self._messages[message_id] = claimed
        self._claims[message_id] = lease_until
        return True

    def pending_media(self, limit: int) -> builtins.list[str]:
        pending = sorted(
            (m for m in self._messages.values() if m.media_pending),
            key=lambda m: (m.created_at, m.id),
        )
        return [m.id for m in pending[:limit]]

    def release_claim(self, message_id: str) -> None:
        self._claims.pop(message_id, None)

    def due_deliveries(self, now: datetime, limit: int) -> builtins.list[tuple[str, datetime]]:
        due = [
            (m.id, m.next_attempt_at or m.created_at)
            for m in self._messages.values()
            if self._deliverable(m, now)
        ]
        due.sort(key=lambda pair: (pair[1], pair[0]))
        return due[:limit]

    def _deliverable(self, message: Message, now: datetime) -> bool:
        claimed_until = self._claims.get(message.id)
        return (
            message.message_type is MessageType.OUTGOING
            and message.status is MessageStatus.PENDING
            and (claimed_until is None or claimed_until < now)
        )


class InMemoryRawEventRepository:
    def __init__(self, state: StoreState) -> None:
        self._events = state.raw_events

    def add(self, event: RawEvent) -> None:
        if event.id in self._events:
            raise ValueError(f"raw event {event.id} exists")
        self._events[event.id] = detached(event)

    def update(self, event: RawEvent) -> None:
        stored = self._events.get(event.id)
        if stored is not None:
            updated = detached(stored)
            updated.error, updated.processed_at = event.error, event.processed_at
            updated.extra = detached(event.extra)
            self._events[event.id] = updated

    def list(
        self,
        *,
        inbox_id: str | None = None,
        since: datetime | None = None,
        only_failed: bool = False,
        after_id: str | None = None,
        limit: int = 500,
    ) -> builtins.list[RawEvent]:
        chosen = sorted(
            (
                e
                for e in self._events.values()
                if (inbox_id is None or e.inbox_id == inbox_id)
                and (since is None or e.received_at >= since)
                and (not only_failed or e.error is not None)
                and (after_id is None or e.id > after_id)
            ),
            key=lambda e: e.id,
        )
        return detached(chosen[:limit])

    def purge(self, before: datetime) -> int:
        old = [e.id for e in self._events.values() if e.received_at < before]
        for event_id in old:
            del self._events[event_id]
        return len(old)
