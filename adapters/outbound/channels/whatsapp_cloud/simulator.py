"""Meta's Graph API for one WhatsApp number, simulated: bearer-token checks, `X-Hub-Signature-256`
on every webhook it makes, and the shared fault injection."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL
from adapters.outbound.graph_whatsapp.signature import SIGNATURE_HEADER, sign
from adapters.outbound.graph_whatsapp.simulator import GraphSimulator
from domain.channels import Channel
from domain.ids import new_key
from domain.ports.webhooks import InboundRequest


class WhatsAppCloudSimulator(GraphSimulator):
    messages_path = "/{phone_number_id}/messages"
    auth_headers = frozenset({SIGNATURE_HEADER.lower()})
    signs_body = True

    def __init__(self) -> None:
        super().__init__()
        self.access_token = "EAAG" + new_key(24)
        self.app_secret = new_key(16)
        self.verify_token = new_key(12)

    def channel_config(self, base_url: str) -> dict[str, Any]:
        return {
            "phone_number_id": self.phone_number_id,
            "business_account_id": self.business_account_id,
            "access_token": self.access_token,
            "app_secret": self.app_secret,
            "verify_token": self.verify_token,
            "api_base_url": base_url.rstrip("/"),
        }

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.access_token}"

    def metadata(self, channel: Channel) -> dict[str, str]:
        return {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": str(channel.get("phone_number_id")),
        }

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        # Signed with the secret of the channel given, as Meta signs with the app's secret.
        signature = sign(body, str(channel.get("app_secret") or ""))
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        return InboundRequest.build("POST", url, headers, body)

    def handshake_request(
        self, channel: Channel, challenge: str, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        """Meta's GET when a callback URL is saved in the app dashboard."""
        query = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": str(channel.get("verify_token") or ""),
        }
        return InboundRequest.build("GET", url, {}, b"", query)
