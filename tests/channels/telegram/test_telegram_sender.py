"""What the sender puts on the wire, over real HTTP to the simulated Bot API, and how Telegram's
errors come back."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.telegram import TelegramSender, TelegramSimulator
from domain.channels import Channel
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientMoved,
    RecipientUnreachable,
)
from domain.ports.senders import OutboundAttachment, OutboundButton, OutboundMessage

TO = TelegramSimulator.recipient_id


def outbound(recipient_id: str = TO, **parts: Any) -> OutboundMessage:
    return OutboundMessage(
        message_id="m-1", conversation_id="c-1", recipient_id=recipient_id, **parts
    )


@pytest.fixture
def sender(session: aiohttp.ClientSession) -> TelegramSender:
    return TelegramSender(session)


async def sent(
    bot_api: tuple[TelegramSimulator, Channel], sender: TelegramSender, message: OutboundMessage
) -> tuple[str, dict[str, Any]]:
    simulator, channel = bot_api
    await sender.send(message, channel)
    call = simulator.calls[-1]
    return call.method, call.params


async def test_a_text_is_a_sendmessage_and_its_id_is_chat_and_message(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    receipt = await sender.send(outbound(content="Your order ships today"), channel)
    assert receipt.source_id == f"{TO}:1"
    [call] = simulator.calls
    assert (call.method, call.params) == (
        "sendMessage",
        {"chat_id": int(TO), "text": "Your order ships today"},
    )
    assert [(m.recipient_id, m.text) for m in simulator.received] == [
        (TO, "Your order ships today")
    ]


async def test_message_ids_follow_the_chats_own_sequence(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    simulator.next_message_id(int(TO), 41)  # the user wrote message 41
    receipt = await sender.send(outbound(content="hi"), channel)
    assert receipt.source_id == f"{TO}:42"


async def test_a_reply_with_buttons_quotes_and_shows_an_inline_keyboard(
    bot_api: Any, sender: TelegramSender
) -> None:
    message = outbound(
        content="Ship it?",
        reply_to_source_id=f"{TO}:42",
        buttons=(OutboundButton("order:4711:yes", "Yes"), OutboundButton("order:4711:no", "No")),
    )
    method, params = await sent(bot_api, sender, message)
    assert method == "sendMessage"
    assert params["reply_parameters"] == {"message_id": 42, "allow_sending_without_reply": True}
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "order:4711:yes"}],
            [{"text": "No", "callback_data": "order:4711:no"}],
        ]
    }


async def test_a_forum_topic_recipient_sends_into_the_topic(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    receipt = await sender.send(outbound("-1009988776655:75", content="on it"), channel)
    assert simulator.calls[-1].params == {
        "chat_id": -1009988776655,
        "message_thread_id": 75,
        "text": "on it",
    }
    assert receipt.source_id == "-1009988776655:1"


async def test_a_quote_from_another_chat_names_that_chat(
    bot_api: Any, sender: TelegramSender
) -> None:
    _, params = await sent(
        bot_api, sender, outbound(content="see this", reply_to_source_id="-100555:7")
    )
    assert params["reply_parameters"] == {
        "message_id": 7,
        "chat_id": -100555,
        "allow_sending_without_reply": True,
    }


async def test_a_reply_to_a_button_tap_goes_out_unquoted(
    bot_api: Any, sender: TelegramSender
) -> None:
    _, params = await sent(
        bot_api, sender, outbound(content="noted", reply_to_source_id="callback:5000")
    )
    assert "reply_parameters" not in params


@pytest.mark.parametrize(
    ("file_type", "method", "field"),
    [
        ("image", "sendPhoto", "photo"),
        ("file", "sendDocument", "document"),
        ("audio", "sendAudio", "audio"),
        ("video", "sendVideo", "video"),
    ],
)
async def test_a_file_goes_by_url_with_the_text_as_its_caption(
    bot_api: Any, sender: TelegramSender, file_type: str, method: str, field: str
) -> None:
    attachment = OutboundAttachment("https://cdn.example.com/r.bin", file_type, "r.bin")
    message = outbound(content="your receipt", attachments=(attachment,))
    assert await sent(bot_api, sender, message) == (
        method,
        {"chat_id": int(TO), field: "https://cdn.example.com/r.bin", "caption": "your receipt"},
    )


@pytest.mark.parametrize(
    "message",
    [
        outbound("not-a-chat", content="x"),
        outbound(content="x", buttons=(OutboundButton("b" * 65, "Too long an id"),)),
        outbound(
            content="c" * 1025,
            attachments=(OutboundAttachment("https://cdn.example.com/a.jpg", "image"),),
        ),
        outbound(content="x", attachments=(OutboundAttachment("https://x.example", "sticker"),)),
        outbound(content=None),
    ],
    ids=["recipient", "button-id", "caption", "file-type", "empty"],
)
async def test_what_telegram_cannot_take_is_refused_before_calling_it(
    bot_api: Any, sender: TelegramSender, message: OutboundMessage
) -> None:
    simulator, channel = bot_api
    with pytest.raises(ChannelRejected):
        await sender.send(message, channel)
    assert simulator.calls == []


# Telegram's errors.


async def test_flood_control_waits_the_retry_after_telegram_names(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    simulator.fail_next(429, retry_after=35)
    with pytest.raises(ChannelUnavailable) as caught:
        await sender.send(outbound(content="hi"), channel)
    assert caught.value.retry_after == 35
    assert "Too Many Requests" in str(caught.value)
    assert simulator.received == []


async def test_a_group_upgraded_to_a_supergroup_moves_the_recipient(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    simulator.fail_next_migrated(-1001122334455)
    with pytest.raises(RecipientMoved) as caught:
        await sender.send(outbound("-4455667788", content="hi"), channel)
    assert caught.value.new_recipient_id == "-1001122334455"


async def test_a_blocked_bot_makes_the_recipient_unreachable(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    simulator.fail_next(403)
    with pytest.raises(RecipientUnreachable) as caught:
        await sender.send(outbound(content="hi"), channel)
    assert str(caught.value) == "403: Forbidden: bot was blocked by the user"


async def test_a_bad_request_fails_with_telegrams_description(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    simulator.fail_next(400, description="Bad Request: chat not found")
    with pytest.raises(ChannelRejected) as caught:
        await sender.send(outbound(content="hi"), channel)
    assert type(caught.value) is ChannelRejected
    assert str(caught.value) == "400: Bad Request: chat not found"


async def test_a_revoked_token_refuses_the_inboxs_credentials_without_showing_it(
    bot_api: Any, sender: TelegramSender
) -> None:
    simulator, channel = bot_api
    revoked = Channel(
        channel.type,
        {**channel.config, "bot_token": "7000000001:AArevoked"},
        channel.secret_fields,
    )
    with pytest.raises(ChannelCredentialsInvalid) as caught:
        await sender.send(outbound(content="hi"), revoked)
    assert "AArevoked" not in str(caught.value)
    assert simulator.calls == []  # the simulator refused it before reading the method


async def test_a_reason_never_carries_the_bot_token(bot_api: Any, sender: TelegramSender) -> None:
    simulator, channel = bot_api
    simulator.fail_next(400, description=f"Bad Request: token {simulator.bot_token} is odd")
    with pytest.raises(ChannelRejected) as caught:
        await sender.send(outbound(content="hi"), channel)
    assert simulator.bot_token not in str(caught.value)
    assert "[redacted]" in str(caught.value)


async def test_a_server_error_is_worth_retrying(bot_api: Any, sender: TelegramSender) -> None:
    simulator, channel = bot_api
    simulator.fail_next(502)
    with pytest.raises(ChannelUnavailable):
        await sender.send(outbound(content="hi"), channel)
    assert (await sender.send(outbound(content="hi"), channel)).source_id == f"{TO}:1"
