"""360dialog's API for one number, simulated: `D360-API-KEY` checks, lookaside media URLs that
must be fetched through 360dialog's host, and webhooks carrying the configured secret header."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL
from adapters.outbound.channels.whatsapp_360dialog.config import DEFAULT_WEBHOOK_HEADER
from adapters.outbound.channels.whatsapp_360dialog.sender import API_KEY_HEADER
from adapters.outbound.graph_whatsapp.simulator import GraphSimulator
from domain.channels import Channel
from domain.ids import new_key
from domain.ports.webhooks import InboundRequest

LOOKASIDE_HOST = "https://lookaside.fbsbx.com"


class WhatsApp360DialogSimulator(GraphSimulator):
    messages_path = "/messages"
    auth_headers = frozenset({DEFAULT_WEBHOOK_HEADER.lower()})
    signs_body = False

    def __init__(self) -> None:
        super().__init__()
        self.api_key = new_key(24)
        self.webhook_secret = new_key(16)

    def channel_config(self, base_url: str) -> dict[str, Any]:
        return {
            "phone_number": self.display_phone_number,
            "api_key": self.api_key,
            "api_base_url": base_url.rstrip("/"),
            "webhook_header": DEFAULT_WEBHOOK_HEADER,
            "webhook_secret": self.webhook_secret,
        }

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get(API_KEY_HEADER) == self.api_key

    def unauthorized(self) -> web.Response:
        body = {
            "meta": {"success": False, "http_code": 401, "developer_message": "Invalid api key"}
        }
        return web.json_response(body, status=401)

    def download_host(self, request: web.Request) -> str:
        return LOOKASIDE_HOST

    def metadata(self, channel: Channel) -> dict[str, str]:
        return {
            "display_phone_number": str(channel.get("phone_number")),
            "phone_number_id": self.phone_number_id,
        }

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        headers = {"Content-Type": "application/json"}
        secret = str(channel.get("webhook_secret") or "")
        if secret:
            headers[str(channel.get("webhook_header") or DEFAULT_WEBHOOK_HEADER)] = secret
        return InboundRequest.build("POST", url, headers, body)
