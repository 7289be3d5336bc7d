"""One Telegram `Update` into domain events.

Handled: `message`, `edited_message`, `callback_query`, `message_reaction` and `my_chat_member`
(the `allowed_updates` channelhub registers). Channel posts and every other update type are
`Ignored` with a reason, so Telegram gets its 200 and does not retry them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.outbound.channels.telegram.json_fields import (
    array_at,
    integer_at,
    load_object,
    object_at,
    optional_text,
    text_at,
    unix_time,
)
from adapters.outbound.channels.telegram.messages import (
    TelegramMessage,
    chat_of,
    edit_event,
    message_event,
    message_source_id,
    person,
)
from domain.ports.webhooks import (
    ContactReachabilityChanged,
    Ignored,
    InboundEvent,
    IncomingMessage,
    ReactionReceived,
)

# The bot's own membership: statuses in which it can no longer write to the chat.
GONE_STATUSES = frozenset({"kicked", "left"})
PRESENT_STATUSES = frozenset({"member", "administrator", "creator", "restricted"})
CHANNEL_POSTS = frozenset({"channel_post", "edited_channel_post"})


def parse_update(body: bytes) -> list[InboundEvent]:
    update = load_object(body)
    update_id = integer_at(update.get("update_id"), "update_id")
    for kind, read in UPDATE_READERS.items():
        if update.get(kind) is not None:
            return [read(update[kind], kind, update_id)]
    other = next((key for key in update if key != "update_id"), None)
    if other in CHANNEL_POSTS:
        return [Ignored(f"Telegram {other} {update_id}: channel posts are not stored")]
    shown = "empty" if other is None else repr(other[:40])
    return [Ignored(f"Telegram update {update_id} of type {shown} is not handled")]


def _message(value: object, where: str, update_id: int) -> InboundEvent:
    return message_event(value, where)


def _edited(value: object, where: str, update_id: int) -> InboundEvent:
    return edit_event(value, where)


def _callback_query(value: object, where: str, update_id: int) -> InboundEvent:
    """A tapped inline button: the user's button reply, answered later with
    answerCallbackQuery (`provider_ack`) so that their client stops spinning."""
    query = object_at(value, where)
    query_id = text_at(query.get("id"), f"{where}.id")
    sender = person(query.get("from"), f"{where}.from")
    data = optional_text(query.get("data"), f"{where}.data")
    if not data:
        return Ignored(f"callback query {query_id} carries no data (a game button)")
    origin = None
    if query.get("message") is not None:
        origin = TelegramMessage(query["message"], f"{where}.message")
    title = _button_text(origin.raw if origin else {}, data) or data
    return IncomingMessage(
        source_id=f"callback:{query_id}",
        sender=sender,
        content=title,
        content_type="button_reply",
        reply_to=origin.source_id if origin else None,
        chat=origin.chat if origin else None,
        content_attributes={
            "button": {"id": data, "title": title},
            "provider_ack": {"callback_query_id": query_id},
        },
    )


def _button_text(message: Mapping[str, Any], data: str) -> str | None:
    """The text of the inline button whose callback_data is `data`, when the message shows it.
    Best effort: a keyboard of an unexpected shape only loses the title."""
    markup = message.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                text = button.get("text")
                return text if isinstance(text, str) and text else None
    return None


def _reaction(value: object, where: str, update_id: int) -> InboundEvent:
    """Reactions carry no id of their own: the update's id names them, so a redelivered update
    is stored once. Without `message_thread_id`, a reaction in a forum goes to the chat."""
    part = object_at(value, where)
    chat = object_at(part.get("chat"), f"{where}.chat")
    chat_id = integer_at(chat.get("id"), f"{where}.chat.id")
    message_id = integer_at(part.get("message_id"), f"{where}.message_id")
    if chat.get("type") == "channel":
        return Ignored(f"reactions to channel posts are not stored ({chat_id}:{message_id})")
    if part.get("actor_chat") is not None:
        sender = person(part["actor_chat"], f"{where}.actor_chat")
    else:
        sender = person(part.get("user"), f"{where}.user")
    return ReactionReceived(
        source_id=f"reaction:{update_id}",
        sender=sender,
        emoji=_emoji(array_at(part.get("new_reaction"), f"{where}.new_reaction"), where),
        target_source_id=message_source_id(chat_id, message_id),
        timestamp=unix_time(part.get("date"), f"{where}.date"),
        chat=chat_of(chat, f"{where}.chat"),
    )


def _emoji(reactions: list[Any], where: str) -> str:
    """The reactions now set, as text; empty when the user took theirs back."""
    shown = []
    for i, item in enumerate(reactions):
        reaction = object_at(item, f"{where}.new_reaction[{i}]")
        kind = text_at(reaction.get("type"), f"{where}.new_reaction[{i}].type")
        if kind == "emoji":
            shown.append(text_at(reaction.get("emoji"), f"{where}.new_reaction[{i}].emoji"))
        elif kind == "paid":
            shown.append("⭐")
        else:
            # A custom emoji's picture is not in the update; say what it was.
            shown.append(f"[{kind[:20]}]")
    return "".join(shown)


def _my_chat_member(value: object, where: str, update_id: int) -> InboundEvent:
    """The bot's own membership: blocked by a user or removed from a group makes the chat
    unreachable (sends to it fail for good); unblocked or added back lifts that."""
    part = object_at(value, where)
    chat = object_at(part.get("chat"), f"{where}.chat")
    chat_id = integer_at(chat.get("id"), f"{where}.chat.id")
    kind = text_at(chat.get("type"), f"{where}.chat.type")
    member = object_at(part.get("new_chat_member"), f"{where}.new_chat_member")
    status = text_at(member.get("status"), f"{where}.new_chat_member.status")
    if kind == "channel":
        return Ignored(f"the bot's membership in channel {chat_id} is not tracked")
    gone = status in GONE_STATUSES or (status == "restricted" and member.get("is_member") is False)
    if not gone:
        if status not in PRESENT_STATUSES:
            return Ignored(f"the bot's membership status {status[:20]!r} is not known")
        return ContactReachabilityChanged(str(chat_id), reachable=True)
    if kind == "private":
        reason = "the user blocked the bot"
    elif status == "kicked":
        reason = "the bot was removed from the group"
    else:
        reason = "the bot is no longer a member of the group"
    return ContactReachabilityChanged(str(chat_id), reachable=False, reason=reason)


UPDATE_READERS: dict[str, Callable[[object, str, int], InboundEvent]] = {
    "message": _message,
    "edited_message": _edited,
    "callback_query": _callback_query,
    "message_reaction": _reaction,
    "my_chat_member": _my_chat_member,
}
# What setWebhook asks Telegram for: exactly the updates read above.
ALLOWED_UPDATES = tuple(UPDATE_READERS)
