"""Fetching attachment bytes from a plain URL: for channels whose payloads carry links (`api`)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import aiohttp

from adapters.outbound.http_client import send_request
from domain.channels import Channel
from domain.errors import ChannelRejected
from domain.ports.media import FetchedMedia

# WhatsApp's largest media is 100 MB (documents); past this a link is refused, not buffered.
MAX_MEDIA_BYTES = 100 * 1024 * 1024


class UrlMediaFetcher:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def fetch(self, provider_ref: str, channel: Channel) -> FetchedMedia:
        if urlsplit(provider_ref).scheme not in ("http", "https"):
            raise ChannelRejected("the attachment reference is not an http(s) URL", "invalid_url")
        answer = await send_request(self._session, "GET", provider_ref)
        if len(answer.body) > MAX_MEDIA_BYTES:
            raise ChannelRejected("the attachment is larger than 100 MB", "too_large")
        content_type = next(
            (value for name, value in answer.headers.items() if name.lower() == "content-type"), ""
        )
        mime_type = content_type.split(";")[0].strip() or None
        return FetchedMedia(answer.body, mime_type, _file_name(provider_ref))


def _file_name(url: str) -> str | None:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name or None
