"""The read side the API needs. Every query is scoped to one account."""

from __future__ import annotations

from dataclasses import dataclass

from application.channels import ChannelRegistry
from application.ports import UnitOfWork, UnitOfWorkFactory
from domain.accounts import Inbox
from domain.contacts import Contact
from domain.conversations import Conversation
from domain.errors import FieldError, InvalidInput, NotFound
from domain.messages import Message
from domain.pagination import Page, clamp_limit
from domain.ports.clock import Clock


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    contact: Contact
    can_reply: bool


class Queries:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, registry: ChannelRegistry, clock: Clock
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock

    def inboxes(self, account_id: str) -> list[Inbox]:
        with self.uow_factory() as uow:
            return uow.inboxes.list(account_id)

    def inbox(self, account_id: str, inbox_id: str) -> Inbox:
        with self.uow_factory() as uow:
            inbox = uow.inboxes.get(account_id, inbox_id)
        if inbox is None:
            raise NotFound("no such inbox")
        return inbox

    def conversations(
        self,
        account_id: str,
        *,
        inbox_id: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[ConversationView]:
        if status is not None and status not in ("open", "pending", "resolved"):
            raise InvalidInput(
                "invalid status", [FieldError("status", "open, pending or resolved")]
            )
        with self.uow_factory() as uow:
            page = uow.conversations.list(
                account_id,
                inbox_id=inbox_id,
                status=status,
                cursor=cursor,
                limit=clamp_limit(limit),
            )
            views = self._views(uow, account_id, page.items)
        return Page(views, page.next_cursor)

    def conversation(self, account_id: str, conversation_id: str) -> ConversationView:
        with self.uow_factory() as uow:
            conversation = uow.conversations.get(account_id, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            return self._views(uow, account_id, [conversation])[0]

    def view(self, account_id: str, conversation: Conversation) -> ConversationView:
        with self.uow_factory() as uow:
            return self._views(uow, account_id, [conversation])[0]

    def messages(
        self,
        account_id: str,
        conversation_id: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[Message]:
        with self.uow_factory() as uow:
            if uow.conversations.get(account_id, conversation_id) is None:
                raise NotFound("no such conversation")
            return uow.messages.list(conversation_id, cursor=cursor, limit=clamp_limit(limit))

    def message(self, account_id: str, message_id: str) -> Message:
        with self.uow_factory() as uow:
            message = uow.messages.get(account_id, message_id)
        if message is None:
            raise NotFound("no such message")
        return message

    def contacts(
        self,
        account_id: str,
        *,
        q: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[Contact]:
        with self.uow_factory() as uow:
            return uow.contacts.list(account_id, q=q, cursor=cursor, limit=clamp_limit(limit))

    def _views(
        self, uow: UnitOfWork, account_id: str, conversations: list[Conversation]
    ) -> list[ConversationView]:
        now = self.clock.now()
        inboxes: dict[str, Inbox | None] = {}
        views = []
        for conversation in conversations:
            if conversation.inbox_id not in inboxes:
                inboxes[conversation.inbox_id] = uow.inboxes.get(account_id, conversation.inbox_id)
            inbox = inboxes[conversation.inbox_id]
            contact = uow.contacts.get(account_id, conversation.contact_id)
            if inbox is None or contact is None:
                continue
            window = self.registry.get(inbox.channel.type).capabilities_of(inbox.channel).window
            contact_inbox = uow.contacts.get_contact_inbox(conversation.contact_inbox_id)
            reachable = contact_inbox is None or not contact_inbox.unreachable_reason
            can_reply = reachable and conversation.can_reply(window, now)
            views.append(ConversationView(conversation, contact, can_reply))
        return views
