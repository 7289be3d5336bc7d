"""The user's backend behind `callback_url`, simulated: checks signatures, records, answers ids.

It also makes the signed webhooks that backend would send, for tests and sandboxes.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from aiohttp import web

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL, ReceivedMessage
from adapters.outbound.channels.api.signature import SIGNATURE_HEADER, is_valid, sign
from domain.channels import Channel
from domain.ids import new_key
from domain.ports.webhooks import InboundRequest

CALLBACK_PATH = "/callback"


class ApiSimulator:
    recipient_id = "user-4242"
    auth_headers = frozenset({SIGNATURE_HEADER.lower()})
    signs_body = True

    def __init__(self, hmac_secret: str | None = None) -> None:
        self.hmac_secret = hmac_secret or new_key(32)
        self.bad_signatures = 0
        self._received: list[ReceivedMessage] = []
        self._failures: deque[tuple[int, str | None]] = deque()

    @property
    def received(self) -> list[ReceivedMessage]:
        return self._received

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(CALLBACK_PATH, self._callback)
        return app

    def channel_config(self, base_url: str) -> dict[str, Any]:
        return {
            "callback_url": base_url.rstrip("/") + CALLBACK_PATH,
            "hmac_secret": self.hmac_secret,
        }

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None
    ) -> None:
        header = None if retry_after is None else str(retry_after)
        self._failures.extend([(status, header)] * times)

    async def _callback(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not is_valid(body, self.hmac_secret, request.headers.get(SIGNATURE_HEADER)):
            self.bad_signatures += 1
            return web.json_response({"error": "the signature does not match"}, status=401)
        if self._failures:
            status, retry_after = self._failures.popleft()
            headers = {"Retry-After": retry_after} if retry_after is not None else None
            return web.json_response(
                {"error": f"simulated failure {status}"}, status=status, headers=headers
            )
        payload = json.loads(body)
        self._received.append(
            ReceivedMessage(
                recipient_id=payload["recipient"]["id"],
                text=payload["message"]["content"],
                payload=payload,
                headers=dict(request.headers),
            )
        )
        return web.json_response({"id": f"sim-{len(self._received)}"})

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
        sender_name: str | None = None,
        attachments: list[dict[str, str]] | None = None,
    ) -> InboundRequest:
        message: dict[str, Any] = {"id": source_id, "content": text}
        if attachments:
            message["attachments"] = attachments
        sender: dict[str, Any] = {"id": sender_id}
        if sender_name is not None:
            sender["name"] = sender_name
        payload = {"event": "message", "message": message, "sender": sender}
        return self.signed_request(channel, json.dumps(payload).encode(), url=url)

    def status_update(
        self,
        channel: Channel,
        *,
        source_id: str,
        status: str,
        url: str = DEFAULT_WEBHOOK_URL,
        error: str | None = None,
    ) -> InboundRequest:
        payload: dict[str, Any] = {"event": "status", "message_id": source_id, "status": status}
        if error is not None:
            payload["error"] = error
        return self.signed_request(channel, json.dumps(payload).encode(), url=url)

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        signature = sign(body, str(channel.get("hmac_secret", "")))
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        return InboundRequest.build("POST", url, headers, body)
