"""The Bot API call an outgoing message becomes: `sendMessage`, or a send-media method with the
file by URL and the text as its caption; replies, inline keyboards and forum topics on either."""

from __future__ import annotations

import re
from typing import Any

from domain.errors import ChannelRejected
from domain.ports.senders import OutboundMessage

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
# channelhub's file type -> (Bot API method, the parameter that takes the file's URL).
MEDIA_METHODS = {
    "image": ("sendPhoto", "photo"),
    "file": ("sendDocument", "document"),
    "audio": ("sendAudio", "audio"),
    "video": ("sendVideo", "video"),
}
_CHAT_ID = re.compile(r"-?[0-9]{1,20}")
_MESSAGE_ID = re.compile(r"[0-9]{1,20}")


def address(recipient_id: str) -> tuple[int, int | None]:
    """A contact's id is its chat id, or `<chat id>:<message_thread_id>` for a forum topic."""
    chat, _, thread = recipient_id.partition(":")
    if not _CHAT_ID.fullmatch(chat) or (thread and not _MESSAGE_ID.fullmatch(thread)):
        raise ChannelRejected(
            f"{recipient_id[:40]!r} is not a Telegram chat id", code="invalid_recipient"
        )
    return int(chat), int(thread) if thread else None


def send_call(message: OutboundMessage) -> tuple[str, dict[str, Any]]:
    """(method, parameters) for one outgoing message."""
    chat_id, thread = address(message.recipient_id)
    params: dict[str, Any] = {"chat_id": chat_id}
    if thread is not None:
        params["message_thread_id"] = thread
    if len(message.attachments) > 1:
        raise ChannelRejected("Telegram takes one file per message", code="too_many_attachments")
    if message.attachments:
        attachment = message.attachments[0]
        if attachment.file_type not in MEDIA_METHODS:
            raise ChannelRejected(
                f"Telegram cannot send a {attachment.file_type[:20]} by URL",
                code="unsupported_attachment",
            )
        method, field = MEDIA_METHODS[attachment.file_type]
        params[field] = attachment.url
        if message.content:
            if len(message.content) > MAX_CAPTION_LENGTH:
                raise ChannelRejected(
                    f"a caption is at most {MAX_CAPTION_LENGTH} characters", code="too_long"
                )
            params["caption"] = message.content
    else:
        if not message.content:
            raise ChannelRejected("the message has no text and no file", code="empty")
        if len(message.content) > MAX_TEXT_LENGTH:
            raise ChannelRejected(
                f"a text is at most {MAX_TEXT_LENGTH} characters", code="too_long"
            )
        method = "sendMessage"
        params["text"] = message.content
    if quoted := _reply_parameters(message.reply_to_source_id, chat_id):
        params["reply_parameters"] = quoted
    if message.buttons:
        params["reply_markup"] = {"inline_keyboard": _keyboard(message)}
    return method, params


def _reply_parameters(source_id: str | None, chat_id: int) -> dict[str, Any] | None:
    """Our `<chat id>:<message id>` of the quoted message; ids of other shapes (a button tap,
    a reaction) name nothing Telegram can quote, so the reply goes out unquoted."""
    if not source_id:
        return None
    chat, _, message_id = source_id.rpartition(":")
    if not _CHAT_ID.fullmatch(chat) or not _MESSAGE_ID.fullmatch(message_id):
        return None
    # A quote that was deleted meanwhile should not cost the reply itself.
    quoted: dict[str, Any] = {"message_id": int(message_id), "allow_sending_without_reply": True}
    if int(chat) != chat_id:
        quoted["chat_id"] = int(chat)
    return quoted


def _keyboard(message: OutboundMessage) -> list[list[dict[str, str]]]:
    """One button per row, so long titles stay readable; a tap comes back as its id."""
    rows = []
    for button in message.buttons:
        if not 1 <= len(button.id.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ChannelRejected(
                f"a button id must be 1-{MAX_CALLBACK_DATA_BYTES} bytes for Telegram",
                code="button_id_too_long",
            )
        rows.append([{"text": button.title, "callback_data": button.id}])
    return rows
