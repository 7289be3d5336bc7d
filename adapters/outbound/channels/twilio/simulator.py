"""Twilio's Messages API for one number or WhatsApp sender, simulated over real HTTP.

It takes `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` form-encoded with HTTP Basic,
checks what Twilio checks (credentials, addresses, a body, the medium's prefix, opted-out
recipients), answers with a Message resource or an error in Twilio's shape (legacy or RFC 9457),
serves media with Basic auth behind a redirect to a CDN, and makes signed webhooks
(`TwilioWebhookMaker`). Faults on demand: `fail_next`, `fail_next_with_code`, `unsubscribe`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import secrets
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from adapters.contracts.simulator import ReceivedMessage
from adapters.outbound.channels.twilio.config import bare_address
from adapters.outbound.channels.twilio.simulator_checks import (
    CODES_FOR_STATUS,
    STATUS_FOR_CODE,
    Sender,
    refusal,
    twilio_error,
)
from adapters.outbound.channels.twilio.simulator_webhooks import TwilioWebhookMaker
from domain.channels import Channel

MESSAGES_PATH = "/2010-04-01/Accounts/{account_sid}/Messages.json"
MEDIA_PATH = "/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/{media_sid}"
CDN_PATH = "/cdn/{token}"


@dataclass(frozen=True)
class _Failure:
    status: int
    code: int
    message: str | None
    retry_after: str | None
    problem: bool


@dataclass(frozen=True)
class _Media:
    content: bytes
    mime_type: str


class TwilioSimulator(TwilioWebhookMaker):
    auth_headers = frozenset({"x-twilio-signature"})
    signs_body = True

    def __init__(self, medium: str = "sms", *, messaging_service: bool = False) -> None:
        self.medium = medium
        self.account_sid = "AC" + secrets.token_hex(16)
        self.auth_token = secrets.token_hex(16)
        self.messaging_service_sid = "MG" + secrets.token_hex(16) if messaging_service else None
        self._received: list[ReceivedMessage] = []
        self.sids: list[str] = []  # the sid of each received message, in the same order
        self.refused: list[list[tuple[str, str]]] = []
        self.media_requests: list[dict[str, str]] = []
        self._failures: deque[_Failure] = deque()
        self._unsubscribed: set[str] = set()
        self._media: dict[str, _Media] = {}
        self._cdn: dict[str, str] = {}
        self._ids = itertools.count(1)

    @property
    def received(self) -> list[ReceivedMessage]:
        return self._received

    def channel_config(self, base_url: str) -> dict[str, Any]:
        config: dict[str, Any] = {
            "account_sid": self.account_sid,
            "auth_token": self.auth_token,
            "medium": self.medium,
            "api_base_url": base_url.rstrip("/"),
        }
        if self.messaging_service_sid:
            config["messaging_service_sid"] = self.messaging_service_sid
        else:
            config["phone_number"] = self.phone_number
        return config

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(MESSAGES_PATH, self._messages)
        app.router.add_get(MEDIA_PATH, self._media_resource)
        app.router.add_get(CDN_PATH, self._cdn_download)
        return app

    # Faults.

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None
    ) -> None:
        """The next sends fail with HTTP `status`, in Twilio's legacy error shape."""
        code = CODES_FOR_STATUS.get(status, 20500 if status >= 500 else 21211)
        self._fail(status, code, None, times, retry_after, problem=False)

    def fail_next_with_code(
        self,
        code: int,
        *,
        status: int | None = None,
        times: int = 1,
        retry_after: float | str | None = None,
        message: str | None = None,
        problem: bool = False,
    ) -> None:
        """The next sends fail with Twilio error `code` (legacy shape, or RFC 9457 with
        `problem`); the HTTP status is the one Twilio uses for the code, else 400."""
        status = status or STATUS_FOR_CODE.get(code, 400)
        self._fail(status, code, message, times, retry_after, problem=problem)

    def _fail(
        self,
        status: int,
        code: int,
        message: str | None,
        times: int,
        retry_after: float | str | None,
        *,
        problem: bool,
    ) -> None:
        header = None if retry_after is None else str(retry_after)
        self._failures.extend([_Failure(status, code, message, header, problem)] * times)

    def unsubscribe(self, number: str) -> None:
        """The contact replied STOP: sends to it answer 21610 until `resubscribe`."""
        self._unsubscribed.add(bare_address(number))

    def resubscribe(self, number: str) -> None:
        self._unsubscribed.discard(bare_address(number))

    # Media.

    def add_media(
        self, channel: Channel, content: bytes, mime_type: str = "image/jpeg", *, message_sid: str
    ) -> str:
        """Keep a media file of message `message_sid`; its MediaUrl as Twilio would post it."""
        media_sid = f"ME{next(self._ids):032x}"
        self._media[media_sid] = _Media(content, mime_type)
        base = str(channel.get("api_base_url")).rstrip("/")
        return base + MEDIA_PATH.format(
            account_sid=channel.get("account_sid"), message_sid=message_sid, media_sid=media_sid
        )

    # The API.

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        expected = f"{self.account_sid}:{self.auth_token}"
        return scheme == "Basic" and secrets.compare_digest(decoded.encode(), expected.encode())

    def _account_error(self, request: web.Request) -> web.Response | None:
        if not self._authorized(request):
            return twilio_error(20003, status=401)
        if request.match_info["account_sid"] != self.account_sid:
            return twilio_error(20404, status=404)
        return None

    async def _messages(self, request: web.Request) -> web.Response:
        refused = self._account_error(request)
        if refused is not None:
            return refused
        if self._failures:
            failure = self._failures.popleft()
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return twilio_error(
                failure.code, failure.message, failure.status, headers, problem=failure.problem
            )
        text = (await request.read()).decode("utf-8", "replace")
        form = parse_qsl(text, keep_blank_values=True)
        sender = Sender(self.medium, self.sender_address, self.messaging_service_sid)
        problem = refusal(request.content_type, form, sender, self._unsubscribed)
        if problem is not None:
            self.refused.append(form)
            return twilio_error(problem[0], problem[1])
        fields = dict(form)
        sid = f"{'MM' if 'MediaUrl' in fields else 'SM'}{next(self._ids):032x}"
        self.sids.append(sid)
        self._received.append(
            ReceivedMessage(fields["To"], fields.get("Body"), form, dict(request.headers))
        )
        return web.json_response(self._resource(sid, fields, form), status=201)

    def _resource(
        self, sid: str, fields: dict[str, str], form: list[tuple[str, str]]
    ) -> dict[str, Any]:
        service = fields.get("MessagingServiceSid")
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": fields.get("Body", ""),
            "date_created": "Thu, 01 Jan 2026 12:00:00 +0000",
            "date_sent": None,
            "date_updated": "Thu, 01 Jan 2026 12:00:00 +0000",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": fields.get("From") or None,
            "messaging_service_sid": service,
            "num_media": str(sum(1 for name, _ in form if name == "MediaUrl")),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            # With a Messaging Service Twilio first answers `accepted`: it picks the sender later.
            "status": "accepted" if service else "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": fields["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    async def _media_resource(self, request: web.Request) -> web.StreamResponse:
        self.media_requests.append(dict(request.headers))
        refused = self._account_error(request)
        if refused is not None:
            return refused
        media_sid = request.match_info["media_sid"]
        if media_sid not in self._media:
            return twilio_error(20404, status=404)
        # Twilio answers with a redirect to a short-lived, signed CDN URL.
        token = secrets.token_hex(8)
        self._cdn[token] = media_sid
        location = str(request.url.with_path(CDN_PATH.format(token=token)).with_query(None))
        raise web.HTTPTemporaryRedirect(location)

    async def _cdn_download(self, request: web.Request) -> web.Response:
        media_sid = self._cdn.get(request.match_info["token"])
        if media_sid is None:
            return web.Response(status=403, text="Request has expired")
        media = self._media[media_sid]
        return web.Response(body=media.content, content_type=media.mime_type)
