"""What the simulated Messages API refuses, and how Twilio words a refusal."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.outbound.channels.twilio.config import WHATSAPP_PREFIX, bare_address

ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21211: "Invalid 'To' Phone Number",
    21408: "Permission to send an SMS has not been enabled for the region of the 'To' number",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21606: "The 'From' phone number provided is not a valid message-capable Twilio phone number",
    21609: "Invalid StatusCallback url",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21656: "The ContentVariables Parameter is invalid.",
    21910: "Invalid From and To pair. From and To should be of the same channel.",
    63016: "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template.",
}
CODES_FOR_STATUS = {400: 21211, 401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}
STATUS_FOR_CODE = {20003: 401, 20404: 404, 20429: 429, 20500: 500, 20503: 503}
MAX_BODY_LENGTH = 1600


@dataclass(frozen=True)
class Sender:
    """Who the simulated account may send as."""

    medium: str
    address: str  # `From`, with the `whatsapp:` prefix on WhatsApp
    messaging_service_sid: str | None


def refusal(
    content_type: str, form: list[tuple[str, str]], sender: Sender, unsubscribed: Collection[str]
) -> tuple[int, str] | None:
    """Why Twilio would refuse this send: its error code and message, or None."""
    fields = dict(form)
    to, author = fields.get("To", ""), fields.get("From", "")
    service = fields.get("MessagingServiceSid", "")
    if content_type != "application/x-www-form-urlencoded" or not to:
        return 21604, ERROR_MESSAGES[21604]
    if not author and not service:
        return 21603, ERROR_MESSAGES[21603]
    if author and author != sender.address:
        return 21606, f"The From phone number {author} is not a valid message-capable number"
    if service and service != sender.messaging_service_sid:
        return 21606, f"The Messaging Service Sid {service} is not one of this account's"
    if to.startswith(WHATSAPP_PREFIX) != (sender.medium == "whatsapp"):
        return 21910, ERROR_MESSAGES[21910]
    if not _is_e164(bare_address(to)):
        return 21211, f"Invalid 'To' Phone Number: {to}"
    if not (fields.get("Body") or fields.get("MediaUrl") or fields.get("ContentSid")):
        return 21602, ERROR_MESSAGES[21602]
    if len(fields.get("Body", "")) > MAX_BODY_LENGTH:
        return 21617, ERROR_MESSAGES[21617]
    if "ContentVariables" in fields and not _is_json_object(fields["ContentVariables"]):
        return 21656, ERROR_MESSAGES[21656]
    callback = fields.get("StatusCallback", "")
    if callback and not callback.startswith(("http://", "https://")):
        return 21609, ERROR_MESSAGES[21609]
    if bare_address(to) in unsubscribed:
        return 21610, ERROR_MESSAGES[21610]
    return None


def twilio_error(
    code: int,
    message: str | None = None,
    status: int = 400,
    headers: dict[str, str] | None = None,
    *,
    problem: bool = False,
) -> web.Response:
    text = message or ERROR_MESSAGES.get(code, "Error")
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    if problem:
        body: dict[str, Any] = {
            "type": more_info,
            "title": text,
            "status": status,
            "code": code,
            "detail": text,
            "instance": "/2010-04-01/Messages",
        }
        return web.Response(
            text=json.dumps(body),
            status=status,
            headers=headers,
            content_type="application/problem+json",
        )
    body = {"code": code, "message": text, "more_info": more_info, "status": status}
    return web.json_response(body, status=status, headers=headers)


def _is_e164(number: str) -> bool:
    return number.startswith("+") and number[1:].isdigit() and 6 <= len(number) - 1 <= 15


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
