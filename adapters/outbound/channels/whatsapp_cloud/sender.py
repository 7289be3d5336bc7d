"""Sending and media downloads through Meta's Graph API, with the number's access token."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import aiohttp

from adapters.outbound.channels.whatsapp_cloud.config import DEFAULT_API_BASE_URL
from adapters.outbound.graph_whatsapp.api_client import GraphMediaFetcher, GraphSender
from domain.channels import Channel
from domain.errors import ChannelRejected


class CloudApiAccess:
    """Bearer-token requests to `{api_base_url}/{phone_number_id}/messages` and `/{media_id}`."""

    def messages_url(self, channel: Channel) -> str:
        number = quote(str(channel.get("phone_number_id")), safe="")
        return f"{_base(channel)}/{number}/messages"

    def media_url(self, channel: Channel, media_id: str) -> str:
        return f"{_base(channel)}/{quote(media_id, safe='')}"

    def download_url(self, channel: Channel, url: str) -> str:
        # The token goes with the download, so only over TLS or to the configured API host.
        target, base = urlsplit(url), urlsplit(_base(channel))
        if target.scheme == "https" or (target.scheme, target.netloc) == (
            base.scheme,
            base.netloc,
        ):
            return url
        raise ChannelRejected(
            "the media URL is neither https nor on the API host", code="unsafe_media_url"
        )

    def headers(self, channel: Channel) -> dict[str, str]:
        return {"Authorization": f"Bearer {channel.get('access_token')}"}

    def secrets(self, channel: Channel) -> list[str]:
        return [str(channel.get("access_token") or "")]


def _base(channel: Channel) -> str:
    return str(channel.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")


CLOUD_API = CloudApiAccess()


class WhatsAppCloudSender(GraphSender):
    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__(session, CLOUD_API)


class WhatsAppCloudMediaFetcher(GraphMediaFetcher):
    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__(session, CLOUD_API)
