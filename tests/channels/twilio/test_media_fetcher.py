"""Inbound media: `GET MediaUrlN` with HTTP Basic, following Twilio's redirect to its CDN."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.twilio import TwilioMediaFetcher, TwilioSimulator, plugin
from domain.errors import ChannelCredentialsInvalid, ChannelRejected, ChannelUnavailable

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


@pytest.fixture
async def media(serve: Any, session: aiohttp.ClientSession) -> Any:
    simulator = TwilioSimulator("whatsapp")
    channel, _ = plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    assert plugin.create_media_fetcher is not None
    return simulator, channel, plugin.create_media_fetcher(session)


async def test_the_bytes_and_type_are_fetched_with_the_accounts_credentials(media: Any) -> None:
    simulator, channel, fetcher = media
    url = simulator.add_media(channel, JPEG, "image/jpeg", message_sid="MM1")
    fetched = await fetcher.fetch(url, channel)
    assert (fetched.content, fetched.mime_type) == (JPEG, "image/jpeg")
    [asked] = simulator.media_requests
    credentials = f"{simulator.account_sid}:{simulator.auth_token}".encode()
    assert asked["Authorization"] == "Basic " + base64.b64encode(credentials).decode()


async def test_refused_credentials_are_the_inboxs_problem(media: Any) -> None:
    simulator, channel, fetcher = media
    url = simulator.add_media(channel, JPEG, message_sid="MM1")
    wrong, _ = plugin.build_channel({**channel.config, "auth_token": "not-the-token"})
    with pytest.raises(ChannelCredentialsInvalid):
        await fetcher.fetch(url, wrong)


async def test_media_twilio_no_longer_has_is_refused_for_good(media: Any) -> None:
    simulator, channel, fetcher = media
    url = simulator.add_media(channel, JPEG, message_sid="MM1").rsplit("/", 1)[0] + "/MEgone"
    with pytest.raises(ChannelRejected) as caught:
        await fetcher.fetch(url, channel)
    assert caught.value.code == "404"


async def test_credentials_go_only_over_tls_or_to_the_api_host(media: Any) -> None:
    _, channel, fetcher = media
    with pytest.raises(ChannelRejected) as caught:
        await fetcher.fetch("http://media.example.com/ME1", channel)
    assert caught.value.code == "unsafe_media_url"


async def test_an_unreachable_twilio_is_worth_retrying(session: aiohttp.ClientSession) -> None:
    simulator = TwilioSimulator()
    channel, _ = plugin.build_channel(simulator.channel_config("http://127.0.0.1:9"))
    with pytest.raises(ChannelUnavailable):
        await TwilioMediaFetcher(session).fetch("http://127.0.0.1:9/2010-04-01/x", channel)
