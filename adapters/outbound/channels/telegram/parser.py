"""Telegram's webhooks: authenticated by the secret token setWebhook registered, which Telegram
sends back in a header on every update (nothing is signed: the header is the proof)."""

from __future__ import annotations

import hmac

from adapters.outbound.channels.telegram.updates import parse_update
from domain.channels import Channel
from domain.errors import WebhookRejected
from domain.ports.webhooks import HttpReply, InboundEvent, InboundRequest

WEBHOOK_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        given = request.header(WEBHOOK_HEADER)
        if not given:
            raise WebhookRejected(f"the {WEBHOOK_HEADER} header is missing")
        expected = str(channel.get("secret_token") or "")
        if not expected or not hmac.compare_digest(
            given.encode("utf-8", "replace"), expected.encode()
        ):
            raise WebhookRejected(f"the {WEBHOOK_HEADER} header does not match this inbox")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        return parse_update(request.body)

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None
