"""A stand-in for the parrot API on loopback, plus the webhooks parrot would send us."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL, ReceivedMessage
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

from .signing import SIGNATURE_HEADER, signature


class ParrotSimulator:
    recipient_id = "447700900123"
    auth_headers = frozenset({SIGNATURE_HEADER})
    signs_body = True

    def __init__(self) -> None:
        self.api_key = secrets.token_hex(16)
        self.signing_key = secrets.token_hex(16)
        self.timestamp = "1740830400"
        self._accepted: list[ReceivedMessage] = []
        self._planned_failures: list[tuple[int, str | None]] = []

    @property
    def received(self) -> list[ReceivedMessage]:
        return list(self._accepted)

    # -- the API our sender talks to ------------------------------------------------------

    def app(self) -> web.Application:
        application = web.Application()
        application.router.add_post("/v2/sms", self._submit)
        return application

    def channel_config(self, base_url: str) -> dict[str, Any]:
        return {
            "sender_id": "PARROT",
            "api_base_url": base_url,
            "api_key": self.api_key,
            "signing_key": self.signing_key,
        }

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None
    ) -> None:
        wait = None if retry_after is None else str(retry_after)
        self._planned_failures.extend((status, wait) for _ in range(times))

    async def _submit(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Parrot-Key") != self.api_key:
            return _error(401, "AUTH", "unknown API key")
        if self._planned_failures:
            status, wait = self._planned_failures.pop(0)
            headers = {} if wait is None else {"Retry-After": wait}
            return _error(status, f"E{status}", "simulated failure", headers)
        payload = await request.json()
        if not isinstance(payload, dict) or not payload.get("msisdn"):
            return _error(400, "NO_MSISDN", "msisdn is required")
        self._accepted.append(
            ReceivedMessage(
                payload["msisdn"], payload.get("body", ""), payload, dict(request.headers)
            )
        )
        ref = f"PRT{len(self._accepted):08d}"
        return web.json_response({"sms": {"ref": ref}}, status=202)

    # -- the webhooks parrot sends --------------------------------------------------------

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        form = {"event": "inbound", "msg_id": source_id, "msisdn": sender_id, "body": text}
        return self.signed_request(channel, urlencode(form).encode(), url=url)

    def status_update(
        self, channel: Channel, *, source_id: str, status: str, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest | None:
        form = {"event": "receipt", "msg_id": source_id, "state": status}
        return self.signed_request(channel, urlencode(form).encode(), url=url)

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        key = str(channel.get("signing_key") or "")  # the channel's key: the suite forges some
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Parrot-Timestamp": self.timestamp,
            "X-Parrot-Signature": signature(key, self.timestamp, body),
        }
        return InboundRequest.build("POST", url, headers, body)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": {"code": code, "message": message}}
    return web.json_response(body, status=status, headers=headers)
