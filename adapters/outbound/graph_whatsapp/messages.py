"""One item of a webhook's `value.messages[]` into one domain event.

Every type WhatsApp documents is mapped; a type channelhub cannot show is stored as `unsupported`
with its reason rather than dropped, and only system notices are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from adapters.outbound.graph_whatsapp.json_fields import (
    array_at,
    number_at,
    object_at,
    optional_array,
    optional_object,
    optional_text,
    text_at,
    unix_time,
)
from domain.errors import MalformedWebhook
from domain.ports.webhooks import (
    Chat,
    Ignored,
    InboundAttachment,
    InboundEvent,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
)

# Graph's media message types and the attachment file type each is stored as.
MEDIA_FILE_TYPES = {
    "image": "image",
    "audio": "audio",
    "voice": "audio",
    "video": "video",
    "document": "file",
    "sticker": "sticker",
}
# Notices about the chat rather than messages in it: nothing a conversation should show.
IGNORED_TYPES = frozenset({"system", "request_welcome"})
_WA_ID = re.compile(r"[0-9]{5,20}")


def error_text(value: object, where: str) -> str:
    """`code: title` of a Graph error object (the title falls back to its message)."""
    error = object_at(value, where)
    code = error.get("code")
    if isinstance(code, bool) or not isinstance(code, int | str | None):
        code = None
    title = optional_text(error.get("title"), f"{where}.title") or optional_text(
        error.get("message"), f"{where}.message"
    )
    parts = [str(part) for part in (code, title) if part not in (None, "")]
    return ": ".join(parts) or "unknown error"


class _Message:
    """The parts every message type shares, read once."""

    def __init__(self, item: object, where: str, names: Mapping[str, str]) -> None:
        self.raw = object_at(item, where)
        self.where = where
        self.source_id = text_at(self.raw.get("id"), f"{where}.id")
        author = text_at(self.raw.get("from"), f"{where}.from")
        self.sender = Sender(
            source_id=author,
            name=names.get(author),
            phone_number=f"+{author}" if _WA_ID.fullmatch(author) else None,
        )
        self.timestamp: datetime | None = unix_time(self.raw.get("timestamp"), f"{where}.timestamp")
        group_id = optional_text(self.raw.get("group_id"), f"{where}.group_id")
        self.chat = Chat(group_id) if group_id else None
        self.kind = text_at(self.raw.get("type"), f"{where}.type")
        context = optional_object(self.raw.get("context"), f"{where}.context") or {}
        self.reply_to = optional_text(context.get("id"), f"{where}.context.id") or None
        self.attributes: dict[str, Any] = {}
        for flag in ("forwarded", "frequently_forwarded"):
            if context.get(flag) is True:
                self.attributes[flag] = True
        referral = self.raw.get("referral")
        if isinstance(referral, dict):
            # Click-to-WhatsApp ad attribution: kept as sent, it is what marketing asks for.
            self.attributes["referral"] = referral

    def incoming(
        self,
        content: str | None,
        content_type: str = "text",
        attachments: Sequence[InboundAttachment] = (),
        **attributes: Any,
    ) -> IncomingMessage:
        return IncomingMessage(
            source_id=self.source_id,
            sender=self.sender,
            content=content,
            content_type=content_type,
            attachments=tuple(attachments),
            reply_to=self.reply_to,
            timestamp=self.timestamp,
            chat=self.chat,
            content_attributes={**self.attributes, **attributes},
        )

    def unsupported(self, reason: str) -> IncomingMessage:
        return self.incoming(None, "unsupported", reason=reason, provider_type=self.kind)


def message_event(
    item: object, where: str, names: Mapping[str, str], value_errors: Sequence[str]
) -> tuple[InboundEvent, bool]:
    """The event for one message, and whether it took the value's errors as its own reason."""
    message = _Message(item, where, names)
    kind = message.kind
    if kind in IGNORED_TYPES:
        return Ignored(f"WhatsApp {kind} notice {message.source_id} is not stored"), False
    reader = _READERS.get(kind)
    content = message.raw.get(kind)
    if reader is not None and content is not None:
        return reader(message, content), False
    # `unsupported` comes with its own errors; a type that arrives without its content comes
    # next to value-level errors that describe it.
    own_errors = [
        error_text(e, f"{where}.errors[{i}]")
        for i, e in enumerate(optional_array(message.raw.get("errors"), f"{where}.errors"))
    ]
    if own_errors:
        return message.unsupported(own_errors[0]), False
    if value_errors:
        return message.unsupported(value_errors[0]), True
    if reader is None:
        return message.unsupported(f"message type {kind!r} is not supported by channelhub"), False
    raise MalformedWebhook(f"{where}.{kind} is missing")


def _text(message: _Message, content: object) -> InboundEvent:
    part = object_at(content, f"{message.where}.text")
    body = optional_text(part.get("body"), f"{message.where}.text.body")
    return message.incoming(body)


def _media(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.{message.kind}"
    part = object_at(content, where)
    extra: dict[str, Any] = {}
    for key in ("sha256", "url"):
        value = optional_text(part.get(key), f"{where}.{key}")
        if value:
            extra[key] = value
    if message.kind == "voice" or part.get("voice") is True:
        extra["voice"] = True
    if part.get("animated") is True:
        extra["animated"] = True
    file_type = MEDIA_FILE_TYPES[message.kind]
    attachment = InboundAttachment(
        file_type=file_type,
        provider_ref=text_at(part.get("id"), f"{where}.id"),
        mime_type=optional_text(part.get("mime_type"), f"{where}.mime_type"),
        file_name=optional_text(part.get("filename"), f"{where}.filename"),
        extra=extra,
    )
    caption = optional_text(part.get("caption"), f"{where}.caption")
    return message.incoming(caption, "sticker" if file_type == "sticker" else "text", [attachment])


def _location(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.location"
    part = object_at(content, where)
    extra: dict[str, Any] = {
        "latitude": number_at(part.get("latitude"), f"{where}.latitude"),
        "longitude": number_at(part.get("longitude"), f"{where}.longitude"),
    }
    for key in ("name", "address", "url"):
        value = optional_text(part.get(key), f"{where}.{key}")
        if value:
            extra[key] = value
    label = ", ".join(extra[k] for k in ("name", "address") if k in extra) or None
    return message.incoming(label, "location", [InboundAttachment("location", extra=extra)])


def _contacts(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.contacts"
    cards = array_at(content, where)
    attachments = [_contact_card(card, f"{where}[{i}]") for i, card in enumerate(cards)]
    names = [str(a.extra["name"]) for a in attachments if a.extra.get("name")]
    return message.incoming(", ".join(names) or None, "contact", attachments)


def _contact_card(value: object, where: str) -> InboundAttachment:
    card = object_at(value, where)
    name = optional_object(card.get("name"), f"{where}.name") or {}
    formatted = optional_text(name.get("formatted_name"), f"{where}.name.formatted_name")
    if not formatted:
        given = [name.get("first_name"), name.get("last_name")]
        formatted = " ".join(p for p in given if isinstance(p, str) and p) or None
    phones = [
        p["phone"]
        for p in optional_array(card.get("phones"), f"{where}.phones")
        if isinstance(p, dict) and isinstance(p.get("phone"), str)
    ]
    emails = [
        e["email"]
        for e in optional_array(card.get("emails"), f"{where}.emails")
        if isinstance(e, dict) and isinstance(e.get("email"), str)
    ]
    extra: dict[str, Any] = {"name": formatted, "phone_numbers": phones, "emails": emails}
    extra["card"] = card  # the whole vCard-like object: addresses, org, urls, birthday
    return InboundAttachment("contact", extra=extra)


def _interactive(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.interactive"
    part = object_at(content, where)
    kind = text_at(part.get("type"), f"{where}.type")
    if kind not in ("button_reply", "list_reply"):
        return message.unsupported(f"interactive {kind!r} replies are not supported")
    reply = object_at(part.get(kind), f"{where}.{kind}")
    button_id = text_at(reply.get("id"), f"{where}.{kind}.id")
    title = optional_text(reply.get("title"), f"{where}.{kind}.title") or button_id
    button = {"id": button_id, "title": title}
    description = optional_text(reply.get("description"), f"{where}.{kind}.description")
    if description:
        button["description"] = description
    return message.incoming(title, "button_reply", button=button)


def _template_button(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.button"
    part = object_at(content, where)
    payload = optional_text(part.get("payload"), f"{where}.payload") or None
    title = optional_text(part.get("text"), f"{where}.text") or None
    button_id = payload or title
    if button_id is None:
        raise MalformedWebhook(f"{where} needs a payload or a text")
    shown = title or button_id
    return message.incoming(shown, "button_reply", button={"id": button_id, "title": shown})


def _reaction(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.reaction"
    part = object_at(content, where)
    return ReactionReceived(
        source_id=message.source_id,
        sender=message.sender,
        emoji=optional_text(part.get("emoji"), f"{where}.emoji") or "",
        target_source_id=text_at(part.get("message_id"), f"{where}.message_id"),
        timestamp=message.timestamp,
        chat=message.chat,
    )


def _edit(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.edit"
    part = object_at(content, where)
    original = text_at(part.get("original_message_id"), f"{where}.original_message_id")
    edited = optional_object(part.get("message"), f"{where}.message") or {}
    new_text: str | None = None
    kind = edited.get("type")
    body = edited.get(kind) if isinstance(kind, str) else None
    if isinstance(body, dict):
        # A text's body, or a media message's caption: the only parts WhatsApp lets users edit.
        key = "body" if kind == "text" else "caption"
        new_text = optional_text(body.get(key), f"{where}.message.{kind}.{key}")
    if new_text is None:
        return Ignored(f"the edit of {original} carries no text")
    return MessageEdited(original, new_text, message.timestamp)


def _revoke(message: _Message, content: object) -> InboundEvent:
    where = f"{message.where}.revoke"
    part = object_at(content, where)
    original = text_at(part.get("original_message_id"), f"{where}.original_message_id")
    return MessageDeleted(original, message.timestamp)


_READERS: dict[str, Callable[[_Message, object], InboundEvent]] = {
    "text": _text,
    **dict.fromkeys(MEDIA_FILE_TYPES, _media),
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "button": _template_button,
    "reaction": _reaction,
    "edit": _edit,
    "revoke": _revoke,
}
