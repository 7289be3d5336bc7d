"""All in-memory state behind one lock; a unit of work holds the lock and edits a copy."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TypeVar

from domain.accounts import Account, Inbox
from domain.contacts import Contact, ContactInbox
from domain.conversations import Conversation
from domain.messages import Message
from domain.ports.repositories import RawEvent

T = TypeVar("T")


def detached(value: T) -> T:
    """A private copy: what callers hold and what the store holds never share mutable parts."""
    return copy.deepcopy(value)


@dataclass
class StoreState:
    """The tables. Stored objects are never mutated in place, so a shallow copy is a snapshot."""

    accounts: dict[str, Account] = field(default_factory=dict)
    inboxes: dict[str, Inbox] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    contact_inboxes: dict[str, ContactInbox] = field(default_factory=dict)
    # (inbox_id, source_id) -> id: the unique indexes of the SQL schema.
    contact_inbox_sources: dict[tuple[str, str], str] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    message_sources: dict[tuple[str, str], str] = field(default_factory=dict)
    claims: dict[str, datetime] = field(default_factory=dict)
    raw_events: dict[str, RawEvent] = field(default_factory=dict)

    def snapshot(self) -> StoreState:
        return StoreState(**{f.name: dict(getattr(self, f.name)) for f in fields(self)})


class InMemoryStore:
    """Shared by every `InMemoryUnitOfWork` made from it; units of work run one at a time."""

    def __init__(self) -> None:
        self.state = StoreState()
        self.lock = threading.Lock()
        self.owner: int | None = None
