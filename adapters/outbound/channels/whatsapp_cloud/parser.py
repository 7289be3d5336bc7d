"""Meta's webhooks for one WhatsApp Cloud number: signed with the app secret, answered with the
handshake's challenge, and only this number's changes taken from payloads for several."""

from __future__ import annotations

import hmac

from adapters.outbound.graph_whatsapp.envelope import parse_webhook, phone_number_ids
from adapters.outbound.graph_whatsapp.signature import SIGNATURE_HEADER, is_valid
from domain.channels import Channel
from domain.errors import WebhookRejected
from domain.ports.webhooks import HttpReply, InboundEvent, InboundRequest


class WhatsAppCloudWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        signature = request.header(SIGNATURE_HEADER)
        if not signature:
            raise WebhookRejected(f"the {SIGNATURE_HEADER} header is missing")
        if not is_valid(request.body, str(channel.get("app_secret") or ""), signature):
            raise WebhookRejected(f"the {SIGNATURE_HEADER} header does not match the body")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        return parse_webhook(request.body, phone_number_id=str(channel.get("phone_number_id")))

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        """Meta's subscription check: echo `hub.challenge` when `hub.verify_token` is ours."""
        query = request.query
        expected = str(channel.get("verify_token") or "")
        token = query.get("hub.verify_token") or ""
        if query.get("hub.mode") != "subscribe":
            raise WebhookRejected("hub.mode must be subscribe")
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            raise WebhookRejected("hub.verify_token does not match this inbox")
        challenge = query.get("hub.challenge") or ""
        if not challenge:
            raise WebhookRejected("hub.challenge is missing")
        return HttpReply(200, challenge.encode(), "text/plain")

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None


def route_keys(request: InboundRequest) -> list[str]:
    """The phone_number_ids a request carries changes for (Meta posts one app's numbers to one
    callback URL)."""
    return phone_number_ids(request.body)
