"""Ports the use cases need beyond the domain's: unit of work, delivery queue, event publisher."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.channels import SendRate
from domain.events import DomainEvent
from domain.ports.repositories import (
    AccountRepository,
    ContactRepository,
    ConversationRepository,
    InboxRepository,
    MessageRepository,
    RawEventRepository,
)


class UnitOfWork(Protocol):
    """One transaction. Leaving the `with` block without `commit()` rolls everything back."""

    accounts: AccountRepository
    inboxes: InboxRepository
    contacts: ContactRepository
    conversations: ConversationRepository
    messages: MessageRepository
    raw_events: RawEventRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class DeliveryQueue(Protocol):
    """Where outgoing message ids wait for `DeliverMessage`. Called only after commit."""

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None: ...


class SendRateLimiter(Protocol):
    """Each inbox's send allowance: per process, or shared by every process that sends for the
    inbox where the adapter keeps it in one place (Redis)."""

    def reserve(self, key: str, rate: SendRate, ticket: str) -> float:
        """A place for send `ticket` in `key`'s allowance under `rate`: 0.0 when it may go now,
        else the seconds until its place comes. The place is kept for `ticket`: asked again once
        that time has come, it goes (0.0) without taking another."""
        ...


class EventPublisher(Protocol):
    def publish(self, events: Sequence[DomainEvent]) -> None: ...


class NoEventPublisher:
    """For embedders who do not listen to domain events."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        return None


class CollectingEventPublisher:
    """Keeps what was published: for tests and for embedders that poll."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.events.extend(events)
