"""The calls around messages, over real HTTP to the simulated Bot API: media downloads through
getFile, the webhook registration and the answer to a tapped button."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.telegram import TelegramMediaFetcher
from adapters.outbound.channels.telegram import plugin as telegram_plugin
from domain.errors import ChannelRejected, ChannelUnavailable

PHOTO = b"\xff\xd8\xff" + bytes(range(256)) * 4


async def test_a_file_is_fetched_with_getfile_then_downloaded(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    file_id = simulator.add_file(PHOTO, "photos/file_7.jpg")
    media = await TelegramMediaFetcher(session).fetch(file_id, channel)
    assert (media.content, media.mime_type, media.file_name) == (PHOTO, "image/jpeg", "file_7.jpg")
    assert [(c.method, c.params) for c in simulator.calls] == [("getFile", {"file_id": file_id})]


async def test_an_unknown_file_is_refused_with_telegrams_description(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    with pytest.raises(ChannelRejected) as caught:
        await TelegramMediaFetcher(session).fetch("AgACgone", channel)
    assert str(caught.value) == "400: Bad Request: invalid file_id"
    assert simulator.bot_token not in str(caught.value)


async def test_an_unavailable_bot_api_is_worth_retrying_a_fetch(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    file_id = simulator.add_file(PHOTO)
    simulator.fail_next(500, method="getFile")
    with pytest.raises(ChannelUnavailable):
        await TelegramMediaFetcher(session).fetch(file_id, channel)
    assert (await TelegramMediaFetcher(session).fetch(file_id, channel)).content == PHOTO


async def test_the_webhook_is_registered_with_its_secret_and_the_updates_we_read(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    assert telegram_plugin.create_webhook_registrar is not None
    register = telegram_plugin.create_webhook_registrar(session)
    await register(channel, "https://hub.example.com/webhooks/telegram/k3y")
    assert simulator.webhook == {
        "url": "https://hub.example.com/webhooks/telegram/k3y",
        "secret_token": simulator.secret_token,
        "allowed_updates": [
            "message",
            "edited_message",
            "callback_query",
            "message_reaction",
            "my_chat_member",
        ],
    }


async def test_a_refused_registration_says_why(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    simulator.fail_next(
        400, description="Bad Request: bad webhook: HTTPS url must be provided", method="setWebhook"
    )
    assert telegram_plugin.create_webhook_registrar is not None
    with pytest.raises(ChannelRejected) as caught:
        await telegram_plugin.create_webhook_registrar(session)(channel, "http://x.example/hook")
    assert "HTTPS url must be provided" in str(caught.value)
    assert simulator.webhook is None


async def test_a_tapped_button_is_answered(bot_api: Any, session: aiohttp.ClientSession) -> None:
    simulator, channel = bot_api
    assert telegram_plugin.create_follow_up is not None
    answer = telegram_plugin.create_follow_up(session)
    await answer({"callback_query_id": "5000000000000000001"}, channel)
    assert simulator.answered_callbacks == ["5000000000000000001"]


async def test_an_ack_without_a_query_id_is_refused(
    bot_api: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel = bot_api
    assert telegram_plugin.create_follow_up is not None
    with pytest.raises(ChannelRejected):
        await telegram_plugin.create_follow_up(session)({}, channel)
    assert simulator.calls == []
