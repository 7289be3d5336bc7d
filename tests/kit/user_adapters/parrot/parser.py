"""Parrot webhooks: form-encoded bodies, signed in `X-Parrot-Signature`.

`event=inbound&msg_id=...&msisdn=...&body=...` for a text from a contact and
`event=receipt&msg_id=...&state=delivered|read|failed[&reason=...]` for one of our messages.
"""

from __future__ import annotations

import hmac

from domain.channels import Channel
from domain.errors import MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    HttpReply,
    Ignored,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    Sender,
    StatusUpdate,
)

from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

RECEIPT_STATES = {
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
}


class ParrotWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        key = channel.get("signing_key")
        given = request.header(SIGNATURE_HEADER)
        timestamp = request.header(TIMESTAMP_HEADER)
        if not isinstance(key, str) or not key or not given or timestamp is None:
            raise WebhookRejected("missing parrot signature")
        expected = signature(key, timestamp, request.body)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise WebhookRejected("parrot signature does not match")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        fields = request.form()  # raises MalformedWebhook for a body that is not UTF-8
        event = fields.get("event")
        if event == "inbound":
            return [
                IncomingMessage(
                    source_id=_required(fields, "msg_id"),
                    sender=Sender(
                        source_id=_required(fields, "msisdn"),
                        phone_number="+" + _required(fields, "msisdn"),
                    ),
                    content=fields.get("body", ""),
                )
            ]
        if event == "receipt":
            state = fields.get("state")
            if state not in RECEIPT_STATES:
                raise MalformedWebhook(f"unknown parrot receipt state {state!r}")
            return [
                StatusUpdate(
                    source_id=_required(fields, "msg_id"),
                    status=RECEIPT_STATES[state],
                    error=fields.get("reason") or None,
                )
            ]
        return [Ignored(f"parrot event {event!r} is not handled")]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return HttpReply(200, b"OK")


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not value:
        raise MalformedWebhook(f"parrot webhook lacks {name}")
    return value
