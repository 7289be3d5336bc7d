"""The updates a simulated Telegram posts to a webhook: the Bot API's documented shapes, with the
`X-Telegram-Bot-Api-Secret-Token` header of the channel they are made for.

Message ids are kept per chat and shared with the simulated API's sends, as Telegram numbers a
chat's messages in one sequence whoever wrote them.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL
from adapters.outbound.channels.telegram.parser import WEBHOOK_HEADER
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest


def private_chat(user_id: int, first_name: str = "Ana") -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": first_name}


def group_chat(
    chat_id: int = -1001234567890, title: str = "Support", *, forum: bool = False
) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
    if forum:
        chat["is_forum"] = True
    return chat


def user(user_id: int, first_name: str = "Ana", username: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        found["username"] = username
    return found


class TelegramUpdateMaker:
    recipient_id = "111222333"  # a user, whose private chat has the same id

    def __init__(self) -> None:
        self._update_ids = itertools.count(700_000_000 + secrets.randbelow(10**8))
        self._last_message_id: dict[int, int] = {}
        # Our sent messages by (chat id, message id): a button tap carries the message it was on.
        self.sent_messages: dict[tuple[int, int], dict[str, Any]] = {}

    def next_message_id(self, chat_id: int, wanted: int | None = None) -> int:
        last = self._last_message_id.get(chat_id, 0)
        message_id = wanted if wanted is not None else last + 1
        self._last_message_id[chat_id] = max(last, message_id)
        return message_id

    @staticmethod
    def message_source_id(source_id: str, sender_id: str) -> str:
        """What channelhub stores for message `source_id` of `incoming_message` in the private
        chat of `sender_id`: Telegram's message ids are unique only within a chat."""
        return f"{sender_id}:{source_id}"

    # Updates.

    def update(
        self,
        channel: Channel,
        kind: str,
        content: Mapping[str, Any],
        *,
        url: str = DEFAULT_WEBHOOK_URL,
        update_id: int | None = None,
    ) -> InboundRequest:
        payload = {"update_id": update_id or next(self._update_ids), kind: dict(content)}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self.signed_request(channel, body, url=url)

    def message(
        self,
        channel: Channel,
        *,
        sender_id: str,
        content: Mapping[str, Any],
        chat: Mapping[str, Any] | None = None,
        message_id: int | None = None,
        first_name: str = "Ana",
        kind: str = "message",
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """A message from user `sender_id`, in their private chat unless `chat` says otherwise;
        `content` holds the message's own fields (`text`, `photo`, `reply_to_message`...)."""
        author = int(sender_id)
        where = dict(chat) if chat else private_chat(author, first_name)
        message = {
            "message_id": self.next_message_id(where["id"], message_id),
            "from": user(author, first_name),
            "chat": where,
            "date": int(time.time()),
            **content,
        }
        return self.update(channel, kind, message, url=url)

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
        chat: Mapping[str, Any] | None = None,
        first_name: str = "Ana",
    ) -> InboundRequest:
        return self.message(
            channel,
            sender_id=sender_id,
            content={"text": text},
            chat=chat,
            message_id=int(source_id),
            first_name=first_name,
            url=url,
        )

    def edited_message(
        self,
        channel: Channel,
        *,
        message_id: int,
        sender_id: str,
        text: str,
        chat: Mapping[str, Any] | None = None,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        content = {"text": text, "edit_date": int(time.time())}
        return self.message(
            channel,
            sender_id=sender_id,
            content=content,
            chat=chat,
            message_id=message_id,
            kind="edited_message",
            url=url,
        )

    def callback_query(
        self,
        channel: Channel,
        *,
        sender_id: str,
        data: str,
        message_source_id: str,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """A tap on a button of our message `<chat id>:<message id>`, which it carries."""
        chat_id, _, message_id = message_source_id.rpartition(":")
        shown = self.sent_messages.get((int(chat_id), int(message_id)))
        message = shown or {
            "message_id": int(message_id),
            "chat": private_chat(int(chat_id)),
            "date": 0,  # an inaccessible message: Telegram no longer shows its content
        }
        query = {
            "id": str(secrets.randbelow(10**19)),
            "from": user(int(sender_id)),
            "message": message,
            "chat_instance": str(-secrets.randbelow(10**19)),
            "data": data,
        }
        return self.update(channel, "callback_query", query, url=url)

    def reaction(
        self,
        channel: Channel,
        *,
        sender_id: str,
        message_source_id: str,
        emoji: str | None,
        chat: Mapping[str, Any] | None = None,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """`emoji` None takes the user's reaction back."""
        chat_id, _, message_id = message_source_id.rpartition(":")
        new = [{"type": "emoji", "emoji": emoji}] if emoji else []
        content = {
            "chat": dict(chat) if chat else private_chat(int(chat_id)),
            "message_id": int(message_id),
            "user": user(int(sender_id)),
            "date": int(time.time()),
            "old_reaction": [],
            "new_reaction": new,
        }
        return self.update(channel, "message_reaction", content, url=url)

    def my_chat_member(
        self,
        channel: Channel,
        *,
        chat: Mapping[str, Any],
        status: str,
        old_status: str = "member",
        by_user_id: int = 111222333,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """The bot's own membership changed: `kicked` when a user blocks it."""
        bot = {"id": 7000000001, "is_bot": True, "first_name": "Channelhub Test Bot"}
        content = {
            "chat": dict(chat),
            "from": user(by_user_id),
            "date": int(time.time()),
            "old_chat_member": {"user": bot, "status": old_status},
            "new_chat_member": {"user": bot, "status": status},
        }
        return self.update(channel, "my_chat_member", content, url=url)

    def channel_post(
        self, channel: Channel, *, text: str, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        news_id = -1009876543210
        news = {"id": news_id, "type": "channel", "title": "News"}
        post = {
            "message_id": self.next_message_id(news_id),
            "sender_chat": news,
            "chat": news,
            "date": int(time.time()),
            "text": text,
        }
        return self.update(channel, "channel_post", post, url=url)

    @staticmethod
    def duplicated(request: InboundRequest, times: int = 2) -> list[InboundRequest]:
        """The same update delivered again, as Telegram does when an answer is slow or lost."""
        return [request] * times

    def status_update(
        self, channel: Channel, *, source_id: str, status: str, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest | None:
        return None  # bots get no delivery or read receipts

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        # The secret of the channel given, as Telegram sends what setWebhook registered.
        headers = {
            "Content-Type": "application/json",
            WEBHOOK_HEADER: str(channel.get("secret_token") or ""),
        }
        return InboundRequest.build("POST", url, headers, body)
