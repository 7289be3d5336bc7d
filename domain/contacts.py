from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ContactProfile:
    """What a provider tells about a sender; empty fields are unknown."""

    name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    identifier: str | None = None


@dataclass
class Contact:
    id: str
    account_id: str
    name: str | None
    phone_number: str | None
    email: str | None
    identifier: str | None
    created_at: datetime


@dataclass
class ContactInbox:
    """A contact as one inbox knows it: `source_id` is the provider's id of the contact."""

    id: str
    contact_id: str
    inbox_id: str
    source_id: str
    created_at: datetime
    # Why the provider said this contact cannot be reached here (opted out, blocked); None: fine.
    unreachable_reason: str | None = None
