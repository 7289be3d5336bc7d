"""The Graph messages and media endpoints, as a sender and a media fetcher.

Meta's Cloud API and 360dialog take the same bodies and answer the same way; they differ in
URLs and in how a request authenticates, which a `GraphAccess` says per provider.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp

from adapters.outbound.graph_whatsapp.errors import error_for_graph_answer
from adapters.outbound.graph_whatsapp.send_bodies import (
    GRAPH_MEDIA_TYPES,
    MAX_TEXT_LENGTH,
    mark_read_body,
    message_body,
)
from adapters.outbound.http_client import HttpAnswer, send_request
from domain.channels import Channel, ChannelCapabilities, MessagingWindow
from domain.errors import ChannelRejected, ChannelUnavailable
from domain.ports.media import FetchedMedia
from domain.ports.senders import DeliveryReceipt, OutboundMessage

# Over 4096 characters the API answers 422 before anything is queued (`max_text_length`);
# splitting would turn one message into several with one receipt, so it is refused instead.
WHATSAPP_CAPABILITIES = ChannelCapabilities(
    attachment_types=frozenset(GRAPH_MEDIA_TYPES),
    templates=True,
    buttons=True,
    reply_to=True,
    max_text_length=MAX_TEXT_LENGTH,
    # One media object per Graph message: more is refused with a 422 before anything is queued.
    max_attachments=1,
    read_receipts=True,
    window=MessagingWindow(hours=24),
)
# What an expired or revoked short-lived media URL answers; a fresh lookup gives a new URL.
EXPIRED_URL_STATUSES = frozenset({401, 403, 404, 410})


class GraphAccess(Protocol):
    def messages_url(self, channel: Channel) -> str: ...

    def media_url(self, channel: Channel, media_id: str) -> str: ...

    def download_url(self, channel: Channel, url: str) -> str:
        """Where to fetch a media URL from; raises `ChannelRejected` where no token may go."""
        ...

    def headers(self, channel: Channel) -> dict[str, str]: ...

    def secrets(self, channel: Channel) -> list[str]: ...


class GraphSender:
    capabilities = WHATSAPP_CAPABILITIES

    def __init__(self, session: aiohttp.ClientSession, access: GraphAccess) -> None:
        self.session = session
        self.access = access

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        answer = await self._post(message_body(message), channel)
        return DeliveryReceipt(_message_id(answer.json()))

    async def mark_read(self, source_id: str, channel: Channel) -> None:
        """Tell the contact their message `source_id` was read (blue ticks)."""
        await self._post(mark_read_body(source_id), channel)

    async def _post(self, body: Mapping[str, Any], channel: Channel) -> HttpAnswer:
        secrets = self.access.secrets(channel)
        answer = await send_request(
            self.session,
            "POST",
            self.access.messages_url(channel),
            data=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
            headers={"Content-Type": "application/json", **self.access.headers(channel)},
            redact=secrets,
            check=False,
        )
        error = error_for_graph_answer(answer, secrets)
        if error is not None:
            raise error
        return answer


def _message_id(payload: object) -> str | None:
    messages = payload.get("messages") if isinstance(payload, dict) else None
    first = messages[0] if isinstance(messages, list) and messages else None
    found = first.get("id") if isinstance(first, dict) else None
    return found if isinstance(found, str) and found else None


class GraphMediaFetcher:
    """`GET /{media_id}` for a short-lived URL, then that URL, both authenticated."""

    def __init__(self, session: aiohttp.ClientSession, access: GraphAccess) -> None:
        self.session = session
        self.access = access

    async def fetch(self, provider_ref: str, channel: Channel) -> FetchedMedia:
        # The URL lives minutes; one that expired between lookup and download gets one more go.
        for _ in range(2):
            url, mime_type = await self._lookup(provider_ref, channel)
            answer = await self._get(self.access.download_url(channel, url), channel)
            if answer.ok:
                return FetchedMedia(answer.body, mime_type or _content_type(answer))
            if answer.status not in EXPIRED_URL_STATUSES:
                error = error_for_graph_answer(answer, self.access.secrets(channel))
                assert error is not None
                raise error
        raise ChannelUnavailable("the media URL expired before it could be downloaded")

    async def _lookup(self, media_id: str, channel: Channel) -> tuple[str, str | None]:
        answer = await self._get(self.access.media_url(channel, media_id), channel)
        error = error_for_graph_answer(answer, self.access.secrets(channel))
        if error is not None:
            raise error
        payload = answer.json()
        url = payload.get("url") if isinstance(payload, dict) else None
        if not isinstance(url, str) or not url:
            raise ChannelRejected("the media lookup answered no URL", code="media_url_missing")
        mime_type = payload.get("mime_type")
        return url, mime_type if isinstance(mime_type, str) and mime_type else None

    async def _get(self, url: str, channel: Channel) -> HttpAnswer:
        return await send_request(
            self.session,
            "GET",
            url,
            headers=self.access.headers(channel),
            redact=self.access.secrets(channel),
            check=False,
        )


def _content_type(answer: HttpAnswer) -> str | None:
    for key, value in answer.headers.items():
        if key.lower() == "content-type" and value:
            return value.split(";")[0].strip() or None
    return None
