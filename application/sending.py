"""Sending: check what the channel can carry and the window, store `pending`, queue after commit."""

from __future__ import annotations

from typing import Any

from application.channels import ChannelRegistry
from application.ports import DeliveryQueue, EventPublisher, UnitOfWork, UnitOfWorkFactory
from application.requests import ContactInput, OutgoingMessageInput
from domain.accounts import Inbox
from domain.channels import ChannelCapabilities
from domain.contacts import ContactProfile
from domain.conversations import Conversation
from domain.errors import (
    CapabilityMissing,
    ContactUnreachable,
    FieldError,
    InvalidInput,
    MessagingWindowClosed,
    NotFound,
)
from domain.events import ConversationOpened, DomainEvent, MessageCreated
from domain.messages import Attachment, AttachmentStatus, Message
from domain.ports.clock import Clock


def check_capabilities(message: OutgoingMessageInput, caps: ChannelCapabilities) -> None:
    for i, attachment in enumerate(message.attachments):
        if attachment.file_type not in caps.attachment_types:
            raise CapabilityMissing(
                f"attachments[{i}].file_type",
                f"this channel cannot send {attachment.file_type} attachments",
            )
    if message.template and not caps.templates:
        raise CapabilityMissing("template", "this channel has no message templates")
    if message.buttons and not caps.buttons:
        raise CapabilityMissing("content_attributes.buttons", "this channel cannot send buttons")
    if message.in_reply_to and not caps.reply_to:
        raise CapabilityMissing("content_attributes.in_reply_to", "this channel cannot quote")
    if caps.max_attachments is not None and len(message.attachments) > caps.max_attachments:
        raise CapabilityMissing(
            "attachments", f"this channel carries at most {caps.max_attachments} per message"
        )
    limit = caps.max_text_length
    if limit is not None and message.content and len(message.content) > limit:
        raise CapabilityMissing("content", f"this channel carries at most {limit} characters")


def _content_type(message: OutgoingMessageInput) -> str:
    if message.template:
        return "template"
    return "text"


class _Outbox:
    """The part SendMessage and StartConversation share: build and store the outgoing message."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: ChannelRegistry,
        clock: Clock,
        queue: DeliveryQueue,
        publisher: EventPublisher,
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock
        self.queue = queue
        self.publisher = publisher

    def _store(
        self,
        uow: UnitOfWork,
        inbox: Inbox,
        conversation: Conversation,
        body: OutgoingMessageInput,
        events: list[DomainEvent],
    ) -> Message:
        caps = self.registry.get(inbox.channel.type).capabilities_of(inbox.channel)
        check_capabilities(body, caps)
        contact_inbox = uow.contacts.get_contact_inbox(conversation.contact_inbox_id)
        if contact_inbox is not None and contact_inbox.unreachable_reason:
            raise ContactUnreachable(
                f"the provider said this contact cannot be reached: "
                f"{contact_inbox.unreachable_reason}"
            )
        now = self.clock.now()
        if body.template is None and not conversation.can_reply(caps.window, now):
            raise MessagingWindowClosed(
                "the messaging window is closed: only a template may be sent now"
            )
        attributes: dict[str, Any] = {}
        if body.in_reply_to:
            quoted = uow.messages.get(inbox.account_id, body.in_reply_to)
            if quoted is None or quoted.conversation_id != conversation.id:
                raise InvalidInput(
                    "the quoted message is not in this conversation",
                    [FieldError("content_attributes.in_reply_to", "no such message here")],
                )
            attributes["in_reply_to"] = quoted.id
        if body.buttons:
            attributes["buttons"] = [{"id": b.id, "title": b.title} for b in body.buttons]
        if body.template:
            attributes["template"] = {
                "name": body.template.name,
                "language": body.template.language,
                "parameters": list(body.template.parameters),
                "provider_params": dict(body.template.provider_params),
            }
        message = Message.outgoing(
            account_id=inbox.account_id,
            inbox_id=inbox.id,
            conversation_id=conversation.id,
            content=body.content,
            content_type=_content_type(body),
            created_at=now,
            attachments=[
                Attachment.create(
                    a.file_type, url=a.url, file_name=a.file_name, status=AttachmentStatus.READY
                )
                for a in body.attachments
            ],
            content_attributes=attributes,
        )
        uow.messages.add(message)
        conversation.touch(now)
        uow.conversations.update(conversation)
        events.append(MessageCreated(inbox.account_id, message.id, conversation.id, "outgoing"))
        return message

    def _after_commit(self, message: Message, events: list[DomainEvent]) -> None:
        self.publisher.publish(events)
        self.queue.enqueue(message.id)


class SendMessage(_Outbox):
    def __call__(self, account_id: str, conversation_id: str, body: object) -> Message:
        request = OutgoingMessageInput.parse(body)
        events: list[DomainEvent] = []
        with self.uow_factory() as uow:
            conversation = uow.conversations.get(account_id, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            inbox = uow.inboxes.get(account_id, conversation.inbox_id)
            if inbox is None:
                raise NotFound("no such conversation")
            message = self._store(uow, inbox, conversation, request, events)
            uow.commit()
        self._after_commit(message, events)
        return message


class StartConversation(_Outbox):
    """Open (or reuse the active) conversation with a contact and send its first message."""

    def __call__(self, account_id: str, body: object) -> Conversation:
        if not isinstance(body, dict):
            raise InvalidInput(
                "the request is not valid", [FieldError("body", "must be an object")]
            )
        errors: list[FieldError] = []
        unknown = set(body) - {"inbox_id", "contact", "message"}
        errors += [FieldError(name, "is not a known field") for name in sorted(unknown)]
        inbox_id = body.get("inbox_id")
        if not isinstance(inbox_id, str):
            errors.append(FieldError("inbox_id", "is required"))
        contact_input = message_input = None
        for name, parse in (("contact", ContactInput.parse), ("message", None)):
            try:
                if parse is not None:
                    contact_input = parse(body.get(name))
                else:
                    message_input = OutgoingMessageInput.parse(body.get(name), "message.")
            except InvalidInput as exc:
                errors += exc.errors
        if (
            errors
            or contact_input is None
            or message_input is None
            or not isinstance(inbox_id, str)
        ):
            raise InvalidInput("the request is not valid", errors)
        events: list[DomainEvent] = []
        with self.uow_factory() as uow:
            inbox = uow.inboxes.get(account_id, inbox_id)
            if inbox is None:
                raise InvalidInput("no such inbox", [FieldError("inbox_id", "no such inbox")])
            now = self.clock.now()
            plugin = self.registry.get(inbox.channel.type)
            contact, contact_inbox = uow.contacts.get_or_create(
                account_id=account_id,
                inbox_id=inbox.id,
                source_id=plugin.source_id_for(inbox.channel, contact_input.address),
                profile=ContactProfile(
                    contact_input.name, contact_input.phone_number, contact_input.email
                ),
                now=now,
            )
            conversation = uow.conversations.active_for(contact_inbox.id)
            if conversation is None:
                started = Conversation.start(
                    account_id, inbox.id, contact.id, contact_inbox.id, now
                )
                conversation = uow.conversations.add_unless_active(started)
                if conversation.id == started.id:
                    events.append(ConversationOpened(account_id, started.id))
            message = self._store(uow, inbox, conversation, message_input, events)
            uow.commit()
        self._after_commit(message, events)
        return conversation
