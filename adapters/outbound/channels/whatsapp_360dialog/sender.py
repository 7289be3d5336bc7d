"""Sending and media downloads through 360dialog, which relays Graph's API behind its own host
and authenticates with `D360-API-KEY`."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import aiohttp

from adapters.outbound.channels.whatsapp_360dialog.config import DEFAULT_API_BASE_URL
from adapters.outbound.graph_whatsapp.api_client import GraphMediaFetcher, GraphSender
from domain.channels import Channel

API_KEY_HEADER = "D360-API-KEY"


class Dialog360Access:
    def messages_url(self, channel: Channel) -> str:
        return f"{_base(channel)}/messages"

    def media_url(self, channel: Channel, media_id: str) -> str:
        return f"{_base(channel)}/{quote(media_id, safe='')}"

    def download_url(self, channel: Channel, url: str) -> str:
        # 360dialog answers Meta's lookaside URL; its bytes come from the same path and query on
        # 360dialog's host, so the API key never leaves it.
        parts = urlsplit(url)
        return f"{_base(channel)}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")

    def headers(self, channel: Channel) -> dict[str, str]:
        return {API_KEY_HEADER: str(channel.get("api_key") or "")}

    def secrets(self, channel: Channel) -> list[str]:
        return [str(channel.get("api_key") or "")]


def _base(channel: Channel) -> str:
    return str(channel.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")


DIALOG360_API = Dialog360Access()


class WhatsApp360DialogSender(GraphSender):
    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__(session, DIALOG360_API)


class WhatsApp360DialogMediaFetcher(GraphMediaFetcher):
    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__(session, DIALOG360_API)
