"""Accounts and inboxes over SQLAlchemy Core. Inbox secrets are encrypted before they are stored."""

from __future__ import annotations

import builtins
from typing import Any

import sqlalchemy as sa

from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence.tables import accounts, inboxes
from domain.accounts import Account, Inbox
from domain.channels import Channel

# Webhooks look their inbox up by key (InboxLookup remembers it only briefly); built once.
_INBOX_BY_KEY = sa.select(inboxes).where(inboxes.c.inbox_key == sa.bindparam("inbox_key"))


class SqlAlchemyAccountRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, account: Account) -> None:
        self._connection.execute(
            accounts.insert().values(
                id=account.id,
                name=account.name,
                token_hash=account.token_hash,
                created_at=account.created_at,
            )
        )

    def get(self, account_id: str) -> Account | None:
        return self._one(accounts.c.id == account_id)

    def by_token_hash(self, token_hash: str) -> Account | None:
        return self._one(accounts.c.token_hash == token_hash)

    def _one(self, condition: sa.ColumnElement[bool]) -> Account | None:
        row = self._connection.execute(sa.select(accounts).where(condition)).first()
        if row is None:
            return None
        return Account(
            id=row.id, name=row.name, token_hash=row.token_hash, created_at=row.created_at
        )


class SqlAlchemyInboxRepository:
    def __init__(self, connection: sa.Connection, secret_box: SecretBox) -> None:
        self._connection = connection
        self._box = secret_box

    def add(self, inbox: Inbox) -> None:
        self._connection.execute(
            inboxes.insert().values(
                id=inbox.id,
                account_id=inbox.account_id,
                inbox_key=inbox.inbox_key,
                created_at=inbox.created_at,
                **self._values(inbox),
            )
        )

    def update(self, inbox: Inbox) -> None:
        self._connection.execute(
            inboxes.update().where(inboxes.c.id == inbox.id).values(**self._values(inbox))
        )

    def get(self, account_id: str, inbox_id: str) -> Inbox | None:
        return self._one((inboxes.c.id == inbox_id) & (inboxes.c.account_id == account_id))

    def by_key(self, inbox_key: str) -> Inbox | None:
        row = self._connection.execute(_INBOX_BY_KEY, {"inbox_key": inbox_key}).first()
        return None if row is None else self._inbox(row)

    def by_id(self, inbox_id: str) -> Inbox | None:
        return self._one(inboxes.c.id == inbox_id)

    def with_type(self, channel_type: str) -> builtins.list[Inbox]:
        rows = self._connection.execute(
            sa.select(inboxes)
            .where(inboxes.c.channel_type == channel_type)
            .order_by(inboxes.c.created_at, inboxes.c.id)
        )
        return [self._inbox(row) for row in rows]

    def list(self, account_id: str) -> builtins.list[Inbox]:
        rows = self._connection.execute(
            sa.select(inboxes)
            .where(inboxes.c.account_id == account_id)
            .order_by(inboxes.c.created_at, inboxes.c.id)
        )
        return [self._inbox(row) for row in rows]

    def _values(self, inbox: Inbox) -> dict[str, Any]:
        return {
            "name": inbox.name,
            "channel_type": inbox.channel.type,
            "config": inbox.channel.public_config(),
            "secrets": self._box.encrypt(inbox.channel.secrets()),
            "credentials_error": inbox.credentials_error,
            "webhook_error": inbox.webhook_error,
        }

    def _one(self, condition: sa.ColumnElement[bool]) -> Inbox | None:
        row = self._connection.execute(sa.select(inboxes).where(condition)).first()
        return None if row is None else self._inbox(row)

    def _inbox(self, row: sa.Row[Any]) -> Inbox:
        secrets = self._box.decrypt(row.secrets)
        channel = Channel(
            type=row.channel_type,
            config={**row.config, **secrets},
            secret_fields=frozenset(secrets),
        )
        return Inbox(
            id=row.id,
            account_id=row.account_id,
            name=row.name,
            channel=channel,
            created_at=row.created_at,
            inbox_key=row.inbox_key,
            credentials_error=row.credentials_error,
            webhook_error=row.webhook_error,
        )
