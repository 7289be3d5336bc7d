"""Twilio's webhooks: incoming messages and status callbacks, both form-encoded and signed over
the public URL Twilio called (`InboundRequest.url`, built from CHANNELHUB_PUBLIC_URL, so a
proxy in front of channelhub changes nothing)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit, urlunsplit

from adapters.outbound.channels.twilio.inbound import Form, incoming_message, message_sid
from adapters.outbound.channels.twilio.signature import BODY_HASH_PARAM, SIGNATURE_HEADER, is_valid
from domain.channels import Channel
from domain.errors import MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    ContactReachabilityChanged,
    HttpReply,
    Ignored,
    InboundEvent,
    InboundRequest,
    IncomingMessage,
    StatusUpdate,
)

log = logging.getLogger(__name__)

# Empty TwiML: Twilio sends nothing back to the contact on its own.
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
TWIML_CONTENT_TYPE = "application/xml"
INBOUND_STATES = frozenset({"received", "receiving"})
STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}
# Before the carrier has it: our message is `sent` already once Twilio accepted it.
NOT_YET_SENT = frozenset({"queued", "accepted", "scheduled", "sending", "partially_delivered"})
# Titles of the asynchronous errors a status callback carries (Twilio sends only the code).
ERROR_TITLES = {
    "30001": "Queue overflow",
    "30002": "Account suspended",
    "30003": "Unreachable destination handset",
    "30004": "Message blocked",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered",
    "30008": "Unknown error",
    "30034": "Message from an unregistered number",
    "63016": "Outside the 24-hour WhatsApp window: only a template may be sent",
    "63024": "Invalid message recipient",
}


class TwilioWebhookParser:
    def verify(self, request: InboundRequest, channel: Channel) -> None:
        signature = request.header(SIGNATURE_HEADER) or ""
        if is_valid(request.url, request.body, signature, str(channel.get("auth_token") or "")):
            return
        problem = "is missing" if not signature else "does not match"
        # The usual cause is a URL that differs from the one Twilio was given: say which was
        # checked (never the token), so whoever runs channelhub can compare.
        log.warning(
            "twilio webhook refused: %s %s for %s (and its port variants); Twilio signs the exact "
            "URL it calls, so the console's URL must be this inbox's webhook_url and "
            "CHANNELHUB_PUBLIC_URL the public scheme and host",
            SIGNATURE_HEADER,
            problem,
            _shown(request.url),
        )
        raise WebhookRejected(f"the {SIGNATURE_HEADER} header {problem}")

    def parse(self, request: InboundRequest, channel: Channel) -> list[InboundEvent]:
        if BODY_HASH_PARAM in parse_qs(urlsplit(request.url).query):
            return [Ignored("Twilio JSON webhooks are not Messaging webhooks")]
        form = request.form()
        state = form.get("MessageStatus") or form.get("SmsStatus")
        if state is None or state in INBOUND_STATES:
            message = incoming_message(form)
            return [message, *_opt_out_keyword(message, form.get("OptOutType"), channel)]
        return [_status(form, state)]

    def handshake(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return None

    def acknowledge(self, request: InboundRequest, channel: Channel) -> HttpReply | None:
        return HttpReply(200, EMPTY_TWIML, TWIML_CONTENT_TYPE)


# Twilio's default keyword handling for SMS (long codes): after one of these alone, it refuses
# sends to the number (error 21610) until one of the opt-in words comes back.
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})


def _opt_out_keyword(
    message: IncomingMessage, opt_out_type: str | None, channel: Channel
) -> list[InboundEvent]:
    """The contact's reachability as Twilio will see it, so a send is refused before queueing.

    A Messaging Service with Advanced Opt-Out says what it matched (`OptOutType`: STOP, START or
    HELP), custom keywords included; otherwise the standard words are recognised here.
    """
    if channel.get("medium", "sms") != "sms":
        return []
    word = (message.content or "").strip().upper()
    kind = (opt_out_type or "").upper()
    if kind == "STOP" or (not kind and word in OPT_OUT_WORDS):
        return [ContactReachabilityChanged(message.sender.source_id, False, f"sent {word}")]
    if kind == "START" or (not kind and word in OPT_IN_WORDS):
        return [ContactReachabilityChanged(message.sender.source_id, True)]
    return []


def _status(form: Form, state: str) -> InboundEvent:
    source_id = message_sid(form)
    if state in NOT_YET_SENT:
        return Ignored(f"Twilio status {state!r} says nothing channelhub does not know")
    status = STATUSES.get(state)
    if status is None:
        raise MalformedWebhook(f"unknown Twilio message status {state!r}")
    error = None
    if status is MessageStatus.FAILED:
        code = form.get("ErrorCode") or ""
        title = form.get("ErrorMessage") or ERROR_TITLES.get(code) or state
        error = f"{code}: {title}" if code else title
    return StatusUpdate(source_id=source_id, status=status, error=error)


def _shown(url: str) -> str:
    """The URL for a log line: its query string may hold what its owner put there; not shown."""
    parts = urlsplit(url)
    shown = urlunsplit(parts._replace(query="", fragment=""))
    return shown + (" (query string not shown)" if parts.query else "")
