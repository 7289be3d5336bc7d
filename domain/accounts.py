from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.channels import Channel
from domain.ids import new_id, new_key


@dataclass
class Account:
    id: str
    name: str
    token_hash: str
    created_at: datetime


@dataclass
class Inbox:
    """One connection to a provider: a channel plus the unguessable key in its webhook URL."""

    id: str
    account_id: str
    name: str
    channel: Channel
    created_at: datetime
    inbox_key: str = field(default_factory=new_key)
    # Why the provider refused this inbox's credentials; None while they work.
    credentials_error: str | None = None
    # Why telling the provider our webhook URL failed (Telegram's setWebhook); None when it worked.
    webhook_error: str | None = None

    @classmethod
    def create(cls, account_id: str, name: str, channel: Channel, now: datetime) -> Inbox:
        return cls(id=new_id(), account_id=account_id, name=name, channel=channel, created_at=now)
