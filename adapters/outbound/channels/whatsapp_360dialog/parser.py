"""360dialog's webhooks: the Cloud API envelope or the legacy flat body, authenticated by the
inbox's unguessable URL and, when configured, a secret header compared in constant time."""

from __future__ import annotations

import hmac

from adapters.outbound.channels.whatsapp_360dialog.config import DEFAULT_WEBHOOK_HEADER
from adapters.outbound.graph_whatsapp.envelope import parse_webhook
from domain.channels import Channel
from domain.errors import WebhookRejected
from domain.ports.webhooks import HttpReply, InboundEvent, InboundRequest


class WhatsApp360DialogWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        expected = str(channel.get("webhook_secret") or "")
        if not expected:
            return  # 360dialog signs nothing: the inbox key in the URL is the secret
        name = str(channel.get("webhook_header") or DEFAULT_WEBHOOK_HEADER)
        provided = request.header(name)
        if provided is None:
            raise WebhookRejected(f"the {name} header is missing")
        if not hmac.compare_digest(provided.encode(), expected.encode()):
            raise WebhookRejected(f"the {name} header does not match this inbox")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        # One API key is one number, so every change of the payload is this inbox's.
        return parse_webhook(request.body, accept_flat=True)

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None
