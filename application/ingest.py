"""Applying normalised inbound events to the model, inside one unit of work."""

from __future__ import annotations

from datetime import datetime

from application.ports import UnitOfWork
from domain.accounts import Inbox
from domain.contacts import Contact, ContactProfile
from domain.conversations import Conversation
from domain.events import (
    ConversationOpened,
    DomainEvent,
    MessageCreated,
    MessageStatusChanged,
    MessageUpdated,
)
from domain.messages import Attachment, AttachmentStatus, Message
from domain.ports.webhooks import (
    Chat,
    ContactReachabilityChanged,
    Ignored,
    InboundEvent,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
    StatusUpdate,
)


class EventIngestor:
    """Turns events into contacts, conversations and messages; idempotent by provider ids."""

    def __init__(self, uow: UnitOfWork, inbox: Inbox, now: datetime) -> None:
        self.uow = uow
        self.inbox = inbox
        self.now = now
        self.events: list[DomainEvent] = []
        self.media_pending: list[str] = []
        # Stored messages whose provider expects a call back (see ChannelPlugin.create_follow_up).
        self.follow_ups: list[str] = []

    def apply(self, event: InboundEvent) -> None:
        match event:
            case IncomingMessage():
                self._incoming(event)
            case ReactionReceived():
                self._reaction(event)
            case StatusUpdate():
                self._status(event)
            case MessageEdited():
                self._edited(event)
            case MessageDeleted():
                self._deleted(event)
            case ContactReachabilityChanged():
                self._reachability(event)
            case Ignored():
                pass

    def _incoming(self, event: IncomingMessage) -> None:
        attributes = dict(event.content_attributes)
        self._link_reply(attributes, event.reply_to)
        attachments = [
            Attachment.create(
                a.file_type,
                provider_ref=a.provider_ref,
                mime_type=a.mime_type,
                file_name=a.file_name,
                size=a.size,
                extra=dict(a.extra),
                # A place or a contact card has no bytes to fetch.
                status=AttachmentStatus.PENDING if a.provider_ref else AttachmentStatus.READY,
            )
            for a in event.attachments
        ]
        self._store(
            event.source_id,
            event.sender,
            event.chat,
            event.timestamp,
            event.content,
            event.content_type,
            attachments,
            attributes,
        )

    def _reaction(self, event: ReactionReceived) -> None:
        attributes: dict[str, object] = {}
        self._link_reply(attributes, event.target_source_id)
        self._store(
            event.source_id,
            event.sender,
            event.chat,
            event.timestamp,
            event.emoji,
            "reaction",
            [],
            attributes,
        )

    def _link_reply(self, attributes: dict[str, object], reply_to: str | None) -> None:
        if not reply_to:
            return
        quoted = self.uow.messages.by_source_id(self.inbox.id, reply_to)
        if quoted is not None:
            attributes["in_reply_to"] = quoted.id
        attributes["in_reply_to_external_id"] = reply_to

    def _store(
        self,
        source_id: str,
        sender: Sender,
        chat: Chat | None,
        timestamp: datetime | None,
        content: str | None,
        content_type: str,
        attachments: list[Attachment],
        attributes: dict[str, object],
    ) -> None:
        if self.uow.messages.by_source_id(self.inbox.id, source_id) is not None:
            return
        # In a group the conversation belongs to the chat; each author is a contact of their own
        # (the same one their one-to-one messages use), named on the message.
        party = Sender(source_id=chat.source_id, name=chat.title) if chat else sender
        if chat:
            author, _ = self.uow.contacts.get_or_create(
                account_id=self.inbox.account_id,
                inbox_id=self.inbox.id,
                source_id=sender.source_id,
                profile=_profile(sender),
                now=self.now,
            )
            self._fill_in(author, _profile(sender))
            attributes["sender"] = {
                "source_id": sender.source_id,
                "name": sender.name,
                "contact_id": author.id,
            }
        contact, contact_inbox = self.uow.contacts.get_or_create(
            account_id=self.inbox.account_id,
            inbox_id=self.inbox.id,
            source_id=party.source_id,
            profile=_profile(party),
            now=self.now,
        )
        self._fill_in(contact, _profile(party))
        conversation = self._conversation_for(contact.id, contact_inbox.id)
        sent_at = timestamp or self.now
        conversation.receive_incoming(sent_at, self.now)
        self.uow.conversations.update(conversation)
        message = Message.incoming(
            account_id=self.inbox.account_id,
            inbox_id=self.inbox.id,
            conversation_id=conversation.id,
            source_id=source_id,
            content=content,
            content_type=content_type,
            created_at=self.now,
            attachments=attachments,
            content_attributes=attributes,
        )
        if self.uow.messages.add(message):
            if message.media_pending:
                self.media_pending.append(message.id)
            if "provider_ack" in message.content_attributes:
                self.follow_ups.append(message.id)
            self.events.append(
                MessageCreated(self.inbox.account_id, message.id, conversation.id, "incoming")
            )

    def _fill_in(self, contact: Contact, profile: ContactProfile) -> None:
        if _blanks_filled(contact, profile):
            self.uow.contacts.update(contact)

    def _conversation_for(self, contact_id: str, contact_inbox_id: str) -> Conversation:
        active = self.uow.conversations.active_for(contact_inbox_id)
        if active is not None:
            return active
        latest = self.uow.conversations.latest_for(contact_inbox_id)
        if latest is not None:
            return latest  # resolved: `receive_incoming` reopens it
        started = Conversation.start(
            self.inbox.account_id, self.inbox.id, contact_id, contact_inbox_id, self.now
        )
        winner = self.uow.conversations.add_unless_active(started)
        if winner.id == started.id:
            self.events.append(ConversationOpened(self.inbox.account_id, started.id))
        return winner

    def _reachability(self, event: ContactReachabilityChanged) -> None:
        _, contact_inbox = self.uow.contacts.get_or_create(
            account_id=self.inbox.account_id,
            inbox_id=self.inbox.id,
            source_id=event.sender_source_id,
            profile=ContactProfile(),
            now=self.now,
        )
        reason = None if event.reachable else (event.reason or "unreachable")
        if contact_inbox.unreachable_reason != reason:
            self.uow.contacts.set_unreachable(contact_inbox.id, reason)

    def _status(self, event: StatusUpdate) -> None:
        found = self.uow.messages.by_source_id(self.inbox.id, event.source_id)
        if found is None:
            return
        message = self.uow.messages.get_for_update(found.id)
        if message is None or not message.apply_status(event.status, event.error):
            return
        self.uow.messages.update(message)
        self.events.append(
            MessageStatusChanged(
                message.account_id, message.id, message.conversation_id, message.status.value
            )
        )

    def _edited(self, event: MessageEdited) -> None:
        message = self._locked(event.source_id)
        if message is None or message.content == event.content:
            return
        message.edit(event.content)
        self._updated(message)

    def _deleted(self, event: MessageDeleted) -> None:
        message = self._locked(event.source_id)
        if message is None or message.content_attributes.get("deleted"):
            return
        message.mark_deleted()
        self._updated(message)

    def _locked(self, source_id: str) -> Message | None:
        found = self.uow.messages.by_source_id(self.inbox.id, source_id)
        return None if found is None else self.uow.messages.get_for_update(found.id)

    def _updated(self, message: Message) -> None:
        self.uow.messages.update(message)
        self.events.append(MessageUpdated(message.account_id, message.id, message.conversation_id))


def _blanks_filled(contact: Contact, profile: ContactProfile) -> bool:
    """Fill what the contact does not know yet from what the provider says; never overwrite."""
    changed = False
    for name in ("name", "phone_number", "email", "identifier"):
        known, told = getattr(contact, name), getattr(profile, name)
        if known is None and told:
            setattr(contact, name, told)
            changed = True
    return changed


def _profile(sender: Sender) -> ContactProfile:
    return ContactProfile(sender.name, sender.phone_number, sender.email, sender.identifier)
