"""A Telegram `Message` (of a `message` or `edited_message` update) into one domain event.

Message ids are unique only within a chat, so a message's `source_id` is `<chat id>:<message id>`.
Private chats are one conversation per user; a group or supergroup is one conversation (a forum
supergroup: one per topic, `<chat id>:<message_thread_id>`), its authors kept on each message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adapters.outbound.channels.telegram.json_fields import (
    integer_at,
    object_at,
    optional_integer,
    optional_object,
    optional_text,
    text_at,
    unix_time,
)
from adapters.outbound.channels.telegram.message_parts import PART_READERS
from domain.ports.webhooks import (
    Chat,
    Ignored,
    InboundAttachment,
    InboundEvent,
    IncomingMessage,
    MessageEdited,
    Sender,
)

GROUP_TYPES = frozenset({"group", "supergroup"})
# Notices about the chat rather than words in it (members joining, titles, pins, topics...).
SERVICE_KEYS = (
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
    "channel_chat_created",
    "message_auto_delete_timer_changed",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "pinned_message",
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
    "general_forum_topic_hidden",
    "general_forum_topic_unhidden",
    "video_chat_scheduled",
    "video_chat_started",
    "video_chat_ended",
    "video_chat_participants_invited",
    "write_access_allowed",
    "proximity_alert_triggered",
    "boost_added",
    "chat_background_set",
    "users_shared",
    "chat_shared",
    "connected_website",
)
# Messages channelhub cannot show: stored as `unsupported` with the kind named, never dropped.
UNSUPPORTED_KEYS = (
    "poll",
    "dice",
    "game",
    "invoice",
    "story",
    "paid_media",
    "checklist",
    "giveaway",
    "giveaway_winners",
    "successful_payment",
    "refunded_payment",
    "passport_data",
    "web_app_data",
)


def person(value: object, where: str) -> Sender:
    """A Telegram `User` (or, for anonymous admins and channels, a `Chat`) as a sender."""
    user = object_at(value, where)
    user_id = integer_at(user.get("id"), f"{where}.id")
    names = [
        optional_text(user.get(key), f"{where}.{key}")
        for key in ("first_name", "last_name", "title")
    ]
    username = optional_text(user.get("username"), f"{where}.username")
    return Sender(
        source_id=str(user_id),
        name=" ".join(n for n in names if n) or None,
        identifier=f"@{username}" if username else None,
    )


class TelegramMessage:
    """The parts every message shares, read once."""

    def __init__(self, value: object, where: str) -> None:
        self.raw = object_at(value, where)
        self.where = where
        message_id = integer_at(self.raw.get("message_id"), f"{where}.message_id")
        chat = object_at(self.raw.get("chat"), f"{where}.chat")
        self.chat_id = integer_at(chat.get("id"), f"{where}.chat.id")
        self.chat_type = text_at(chat.get("type"), f"{where}.chat.type")
        self.source_id = message_source_id(self.chat_id, message_id)
        self.timestamp: datetime | None = unix_time(self.raw.get("date"), f"{where}.date")
        reply = optional_object(self.raw.get("reply_to_message"), f"{where}.reply_to_message")
        self.reply_to: str | None = None
        # In a forum every message of a topic "replies" to the topic's creation notice.
        if reply is not None and "forum_topic_created" not in reply:
            reply_id = integer_at(reply.get("message_id"), f"{where}.reply_to_message.message_id")
            self.reply_to = message_source_id(self.chat_id, reply_id)
        self.chat = self._chat(chat, reply)
        self.sender = self._sender(chat)

    def _chat(self, chat: Mapping[str, Any], reply: Mapping[str, Any] | None) -> Chat | None:
        thread = optional_integer(
            self.raw.get("message_thread_id"), f"{self.where}.message_thread_id"
        )
        topic = optional_object(
            (reply or {}).get("forum_topic_created"),
            f"{self.where}.reply_to_message.forum_topic_created",
        )
        name = optional_text((topic or {}).get("name"), f"{self.where}.forum_topic_created.name")
        return chat_of(chat, f"{self.where}.chat", thread, name)

    def _sender(self, chat: Mapping[str, Any]) -> Sender:
        # Anonymous group admins and channels speak as a chat; `from` is then a placeholder bot.
        if self.raw.get("sender_chat") is not None:
            return person(self.raw["sender_chat"], f"{self.where}.sender_chat")
        if self.raw.get("from") is not None:
            return person(self.raw["from"], f"{self.where}.from")
        return person(chat, f"{self.where}.chat")

    @property
    def is_channel_post(self) -> bool:
        return self.chat_type == "channel"

    def text(self) -> str | None:
        """The words of the message: its text, or a media message's caption."""
        text = optional_text(self.raw.get("text"), f"{self.where}.text")
        if text is not None:
            return text
        return optional_text(self.raw.get("caption"), f"{self.where}.caption")

    def incoming(
        self,
        content: str | None,
        content_type: str = "text",
        attachments: tuple[InboundAttachment, ...] = (),
        **attributes: Any,
    ) -> IncomingMessage:
        group = optional_text(self.raw.get("media_group_id"), f"{self.where}.media_group_id")
        if group:
            # An album arrives as one message per item; the shared id lets a reader regroup them.
            attributes["media_group_id"] = group
        if self.raw.get("forward_origin") is not None:
            attributes["forwarded"] = True
        return IncomingMessage(
            source_id=self.source_id,
            sender=self.sender,
            content=content,
            content_type=content_type,
            attachments=attachments,
            reply_to=self.reply_to,
            timestamp=self.timestamp,
            chat=self.chat,
            content_attributes=attributes,
        )


def message_source_id(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


def chat_of(
    chat: Mapping[str, Any], where: str, thread: int | None = None, topic: str | None = None
) -> Chat | None:
    """The conversation's party for a group (None for a private chat): the chat, or in a forum
    supergroup the topic `thread`."""
    chat_id = integer_at(chat.get("id"), f"{where}.id")
    if chat.get("type") not in GROUP_TYPES:
        return None
    title = optional_text(chat.get("title"), f"{where}.title") or None
    if chat.get("is_forum") is not True or thread is None:
        return Chat(str(chat_id), title)
    if title and topic:
        title = f"{title} / {topic}"
    return Chat(f"{chat_id}:{thread}", title)


def message_event(value: object, where: str) -> InboundEvent:
    message = TelegramMessage(value, where)
    if message.is_channel_post:
        return Ignored(f"channel posts are not stored ({message.source_id})")
    if message.chat_type != "private" and message.chat is None:
        return Ignored(f"messages in a {message.chat_type[:20]!r} chat are not stored")
    text = message.text()
    if message.raw.get("text") is not None:
        return message.incoming(text)
    for key, read in PART_READERS.items():
        if message.raw.get(key) is not None:
            attachment, content_type, label = read(message.raw[key], f"{where}.{key}")
            return message.incoming(text or label, content_type, (attachment,))
    for key in SERVICE_KEYS:
        if key in message.raw:
            return Ignored(f"Telegram {key} notice {message.source_id} is not stored")
    kind = next((key for key in UNSUPPORTED_KEYS if key in message.raw), None)
    reason = (
        f"Telegram {kind} messages are not supported by channelhub"
        if kind
        else "a Telegram message of a kind channelhub does not read"
    )
    return message.incoming(text, "unsupported", reason=reason, provider_type=kind or "unknown")


def edit_event(value: object, where: str) -> InboundEvent:
    message = TelegramMessage(value, where)
    if message.is_channel_post:
        return Ignored(f"channel posts are not stored ({message.source_id})")
    text = message.text()
    if text is None:
        # Live locations move by edits; media swaps carry no words either.
        return Ignored(f"the edit of {message.source_id} carries no text")
    edited_at = unix_time(message.raw.get("edit_date"), f"{where}.edit_date")
    return MessageEdited(message.source_id, text, edited_at or message.timestamp)
