"""Accounts, tokens, inboxes and conversation status: the management use cases."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from application.channels import ChannelRegistry
from application.ports import EventPublisher, UnitOfWorkFactory
from application.requests import _Reader, read_name
from domain.accounts import Account, Inbox
from domain.conversations import Conversation
from domain.errors import FieldError, InvalidInput, NotFound, Unauthorized
from domain.events import ConversationStatusChanged
from domain.ids import new_id, new_key
from domain.ports.clock import Clock


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so a fast hash is enough: nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the platform admin, or one account."""

    account_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.account_id is None


class Authenticate:
    def __init__(self, uow_factory: UnitOfWorkFactory, admin_token: str) -> None:
        self.uow_factory = uow_factory
        self.admin_hash = hash_token(admin_token)

    def __call__(self, token: str | None) -> Principal:
        if not token:
            raise Unauthorized("a bearer token is required")
        token_hash = hash_token(token)
        if hmac.compare_digest(token_hash, self.admin_hash):
            return Principal(None)
        with self.uow_factory() as uow:
            account = uow.accounts.by_token_hash(token_hash)
        if account is None:
            raise Unauthorized("the token is not valid")
        return Principal(account.id)


@dataclass(frozen=True)
class CreatedAccount:
    account: Account
    api_token: str


class CreateAccount:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    def __call__(self, body: object) -> CreatedAccount:
        r, name = read_name(body, required=True)
        r.known("name")
        r.done()
        token = "chk_" + new_key(32)
        account = Account(new_id(), name or "", hash_token(token), self.clock.now())
        with self.uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        return CreatedAccount(account, token)


@dataclass(frozen=True)
class SavedInbox:
    inbox: Inbox
    generated_secrets: Mapping[str, Any]


class ManageInboxes:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: ChannelRegistry,
        clock: Clock,
        on_change: Callable[[Inbox], None] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock
        self.on_change = on_change

    def create(self, account_id: str, body: object) -> SavedInbox:
        r, name = read_name(body, required=True)
        r.known("name", "channel")
        channel_body = r.obj("channel")
        if channel_body is None:
            r.fail("channel", "is required")
        r.done()
        assert channel_body is not None and name is not None
        plugin = self.registry.require(channel_body.get("type"))
        channel, generated = plugin.build_channel(channel_body)
        inbox = Inbox.create(account_id, name, channel, self.clock.now())
        with self.uow_factory() as uow:
            if uow.accounts.get(account_id) is None:
                raise NotFound("no such account")
            uow.inboxes.add(inbox)
            uow.commit()
        if self.on_change is not None:
            self.on_change(inbox)
        return SavedInbox(inbox, generated)

    def update(self, account_id: str, inbox_id: str, body: object) -> SavedInbox:
        r, name = read_name(body, required=False)
        r.known("name", "channel")
        channel_body = r.obj("channel")
        r.done()
        with self.uow_factory() as uow:
            inbox = uow.inboxes.get(account_id, inbox_id)
            if inbox is None:
                raise NotFound("no such inbox")
            generated: Mapping[str, Any] = {}
            if channel_body is not None:
                kind = channel_body.get("type", inbox.channel.type)
                if kind != inbox.channel.type:
                    raise InvalidInput(
                        "an inbox's channel type cannot change",
                        [FieldError("channel.type", "cannot change")],
                    )
                plugin = self.registry.get(inbox.channel.type)
                inbox.channel, generated = plugin.build_channel(channel_body, inbox.channel)
                inbox.credentials_error = None  # new credentials: worth trying again
            if name is not None:
                inbox.name = name
            uow.inboxes.update(inbox)
            uow.commit()
        if self.on_change is not None:
            self.on_change(inbox)
        return SavedInbox(inbox, generated)


class ChangeConversationStatus:
    def __init__(self, uow_factory: UnitOfWorkFactory, publisher: EventPublisher) -> None:
        self.uow_factory = uow_factory
        self.publisher = publisher

    def __call__(self, account_id: str, conversation_id: str, body: object) -> Conversation:
        r = _Reader(body)
        r.known("status")
        status = r.text("status", required=True)
        if status is not None and status not in ("open", "pending", "resolved"):
            r.fail("status", "must be one of open, pending, resolved")
        r.done()
        assert status is not None
        with self.uow_factory() as uow:
            conversation = uow.conversations.get(account_id, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            if conversation.status.value != status:
                if status != "resolved" and (
                    (active := uow.conversations.active_for(conversation.contact_inbox_id))
                    and active.id != conversation.id
                ):
                    raise InvalidInput(
                        "this contact already has an active conversation in this inbox",
                        [FieldError("status", f"conversation {active.id} is active")],
                    )
                conversation.change_status(status)
                uow.conversations.update(conversation)
            uow.commit()
        self.publisher.publish([ConversationStatusChanged(account_id, conversation.id, status)])
        return conversation
