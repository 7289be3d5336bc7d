"""The simulator core both WhatsApp channels share: Graph's messages and media endpoints over
real HTTP, fault injection, and webhooks made the way Graph makes them.

A provider subclass says how requests authenticate, where the messages endpoint is, what the
webhook metadata holds and how webhooks are signed.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import secrets
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.contracts.simulator import ReceivedMessage
from adapters.outbound.graph_whatsapp.simulator_requests import check_message, received_text
from adapters.outbound.graph_whatsapp.simulator_webhooks import ERROR_TITLES, GraphWebhookMaker

DOWNLOAD_PATH = "/whatsapp_business/attachments/"
# The Graph code each plain HTTP failure of `fail_next` is dressed as.
CODES_FOR_STATUS = {400: 100, 401: 190, 403: 10, 404: 100, 429: 130429, 503: 131016}


@dataclass(frozen=True)
class _Failure:
    status: int
    code: int
    message: str | None
    retry_after: str | None


@dataclass(frozen=True)
class _Media:
    content: bytes
    mime_type: str


class GraphSimulator(GraphWebhookMaker):
    phone_number_id = "200000000000002"
    messages_path = "/messages"
    auth_headers: frozenset[str] = frozenset()
    signs_body = False

    def __init__(self) -> None:
        self._received: list[ReceivedMessage] = []
        self.read_marks: list[str] = []
        self.refused: list[dict[str, Any]] = []
        self._failures: deque[_Failure] = deque()
        self._delays: deque[float] = deque()
        self._media: dict[str, _Media] = {}
        self._download_tokens: dict[str, str] = {}
        self._expired_downloads = 0
        self._ids = itertools.count(1)

    # What a provider subclass says.

    def authorized(self, request: web.Request) -> bool:
        raise NotImplementedError

    def unauthorized(self) -> web.Response:
        return graph_error(190, status=401)

    def download_host(self, request: web.Request) -> str:
        """The scheme and host of the short-lived media URLs the lookup answers."""
        return f"{request.scheme}://{request.host}"

    # The provider's API.

    @property
    def received(self) -> list[ReceivedMessage]:
        return self._received

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(self.messages_path, self._messages)
        app.router.add_get(DOWNLOAD_PATH, self._download)
        app.router.add_get("/{media_id}", self._media_lookup)
        return app

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None
    ) -> None:
        """The next sends fail with HTTP `status`, in Graph's error envelope."""
        code = CODES_FOR_STATUS.get(status, 131000 if status >= 500 else 100)
        self._fail(status, code, None, times, retry_after)

    def fail_next_with_code(
        self,
        code: int,
        *,
        times: int = 1,
        status: int = 400,
        retry_after: float | str | None = None,
        message: str | None = None,
    ) -> None:
        """The next sends fail with Graph error `code` (HTTP 400, as Graph answers most)."""
        self._fail(status, code, message, times, retry_after)

    def _fail(
        self, status: int, code: int, message: str | None, times: int, retry_after: object
    ) -> None:
        header = None if retry_after is None else str(retry_after)
        self._failures.extend([_Failure(status, code, message, header)] * times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next sends answer only after `seconds`."""
        self._delays.extend([seconds] * times)

    def add_media(
        self, content: bytes, mime_type: str = "image/jpeg", media_id: str | None = None
    ) -> str:
        media_id = media_id or f"9100000000{len(self._media) + 1:05d}"
        self._media[media_id] = _Media(content, mime_type)
        return media_id

    def expire_media_urls(self, times: int = 1) -> None:
        """The next `times` downloads answer 404, as an expired short-lived URL does."""
        self._expired_downloads += times

    async def _messages(self, request: web.Request) -> web.Response:
        if not self.authorized(request):
            return self.unauthorized()
        number = request.match_info.get("phone_number_id")
        if number is not None and number != self.phone_number_id:
            return graph_error(100, f"Object with ID '{number}' does not exist", status=400)
        if self._delays:
            await asyncio.sleep(self._delays.popleft())
        if self._failures:
            failure = self._failures.popleft()
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return graph_error(failure.code, failure.message, failure.status, headers)
        try:
            body = await request.json()
        except ValueError:
            return graph_error(100, "The request body is not JSON")
        problem = check_message(body)
        if problem is not None:
            self.refused.append(body if isinstance(body, dict) else {"body": body})
            return graph_error(100, problem)
        if body.get("status") == "read":
            self.read_marks.append(body["message_id"])
            return web.json_response({"success": True})
        message_id = f"wamid.SIM{next(self._ids):08d}"
        self._received.append(
            ReceivedMessage(body["to"], received_text(body), body, dict(request.headers))
        )
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": message_id, "message_status": "accepted"}],
            }
        )

    async def _media_lookup(self, request: web.Request) -> web.Response:
        if not self.authorized(request):
            return self.unauthorized()
        media_id = request.match_info["media_id"]
        media = self._media.get(media_id)
        if media is None:
            message = f"Unsupported get request. Object with ID '{media_id}' does not exist"
            return graph_error(100, message, status=400)
        token = secrets.token_hex(8)
        self._download_tokens[token] = media_id
        url = f"{self.download_host(request)}{DOWNLOAD_PATH}?mid={media_id}&ext=1&hash={token}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": url,
                "mime_type": media.mime_type,
                "sha256": hashlib.sha256(media.content).hexdigest(),
                "file_size": len(media.content),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self.authorized(request):
            return web.Response(status=401, text="Unauthorized")
        media_id = self._download_tokens.get(request.query.get("hash", ""))
        if self._expired_downloads:
            self._expired_downloads -= 1
            return web.Response(status=404, text="URL signature expired")
        if media_id is None or media_id != request.query.get("mid"):
            return web.Response(status=404, text="Not found")
        media = self._media[media_id]
        return web.Response(body=media.content, content_type=media.mime_type)


def graph_error(
    code: int,
    message: str | None = None,
    status: int = 400,
    headers: dict[str, str] | None = None,
) -> web.Response:
    title = message or ERROR_TITLES.get(code, "Error")
    body = {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": title},
            "fbtrace_id": "AsimulatedTrace",
        }
    }
    return web.json_response(body, status=status, headers=headers)
