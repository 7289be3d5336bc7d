"""Media by id: `GET /{media_id}` for a short-lived URL, then the bytes, against the simulators."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.whatsapp_360dialog import WhatsApp360DialogSimulator
from adapters.outbound.channels.whatsapp_360dialog import plugin as dialog360_plugin
from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudSimulator
from adapters.outbound.channels.whatsapp_cloud import plugin as cloud_plugin
from application.channels import ChannelPlugin
from domain.errors import ChannelCredentialsInvalid, ChannelRejected, ChannelUnavailable
from domain.ports.media import MediaFetcher

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4

PROVIDERS = [
    (cloud_plugin, WhatsAppCloudSimulator),
    (dialog360_plugin, WhatsApp360DialogSimulator),
]


@pytest.fixture(params=PROVIDERS, ids=["cloud", "360dialog"])
async def provider(request: Any, serve: Any, session: aiohttp.ClientSession) -> Any:
    plugin, make_simulator = request.param
    simulator = make_simulator()
    channel, _ = plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    assert plugin.create_media_fetcher is not None
    fetcher: MediaFetcher = plugin.create_media_fetcher(session)
    return plugin, simulator, channel, fetcher


async def test_the_bytes_and_type_of_a_media_id_are_fetched(provider: Any) -> None:
    _, simulator, channel, fetcher = provider
    media_id = simulator.add_media(JPEG, "image/jpeg")
    fetched = await fetcher.fetch(media_id, channel)
    assert (fetched.content, fetched.mime_type) == (JPEG, "image/jpeg")


async def test_a_url_that_expired_before_the_download_is_looked_up_again(provider: Any) -> None:
    _, simulator, channel, fetcher = provider
    media_id = simulator.add_media(b"%PDF-1.7", "application/pdf")
    simulator.expire_media_urls(times=1)
    assert (await fetcher.fetch(media_id, channel)).content == b"%PDF-1.7"


async def test_a_url_that_keeps_expiring_is_left_for_a_later_retry(provider: Any) -> None:
    _, simulator, channel, fetcher = provider
    media_id = simulator.add_media(JPEG)
    simulator.expire_media_urls(times=2)
    with pytest.raises(ChannelUnavailable, match="expired"):
        await fetcher.fetch(media_id, channel)
    assert (await fetcher.fetch(media_id, channel)).content == JPEG


async def test_an_unknown_media_id_is_refused_for_good(provider: Any) -> None:
    _, _, channel, fetcher = provider
    with pytest.raises(ChannelRejected) as caught:
        await fetcher.fetch("910000000099999", channel)
    assert caught.value.code == "100"


async def test_wrong_credentials_are_a_credentials_error(provider: Any) -> None:
    plugin, simulator, channel, fetcher = provider
    media_id = simulator.add_media(JPEG)
    secret = "access_token" if plugin.slug == "whatsapp_cloud" else "api_key"
    wrong, _ = plugin.build_channel({secret: "stale"}, channel)
    with pytest.raises(ChannelCredentialsInvalid):
        await fetcher.fetch(media_id, wrong)


async def test_an_unreachable_api_is_worth_retrying(provider: Any) -> None:
    plugin, _, channel, fetcher = provider
    offline, _ = plugin.build_channel({"api_base_url": "http://127.0.0.1:9"}, channel)
    with pytest.raises(ChannelUnavailable):
        await fetcher.fetch("910000000000001", offline)


def test_360dialog_downloads_lookaside_urls_through_its_own_host() -> None:
    from adapters.outbound.channels.whatsapp_360dialog.sender import DIALOG360_API

    channel, _ = dialog360_plugin.build_channel({"phone_number": "1555", "api_key": "k"})
    url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3"
    assert DIALOG360_API.download_url(channel, url) == (
        "https://waba-v2.360dialog.io/whatsapp_business/attachments/?mid=1&ext=2&hash=3"
    )


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1", True),
        ("http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1", False),
        ("http://graph.local:8080/whatsapp_business/attachments/?mid=1", True),
        ("http://graph.local:8081/whatsapp_business/attachments/?mid=1", False),
    ],
)
def test_the_cloud_token_only_goes_over_tls_or_to_the_api_host(url: str, allowed: bool) -> None:
    from adapters.outbound.channels.whatsapp_cloud.sender import CLOUD_API
    from tests.channels.whatsapp.conftest import cloud_channel

    channel = cloud_channel(api_base_url="http://graph.local:8080")
    if allowed:
        assert CLOUD_API.download_url(channel, url) == url
    else:
        with pytest.raises(ChannelRejected):
            CLOUD_API.download_url(channel, url)


def test_both_plugins_offer_a_media_fetcher() -> None:
    plugins: list[ChannelPlugin] = [cloud_plugin, dialog360_plugin]
    assert all(p.create_media_fetcher is not None for p in plugins)
