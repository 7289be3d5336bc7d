"""Shared parts of the Twilio tests: recorded-style form payloads, channels, signing, and the
simulator served on loopback over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from adapters.outbound.channels.twilio import plugin
from adapters.outbound.channels.twilio.signature import SIGNATURE_HEADER, compute_signature
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"  # the account every fixture belongs to
AUTH_TOKEN = "twilio-test-auth-token"
WEBHOOK_URL = "https://hub.example.com/webhooks/twilio/k3y"
SMS_CONFIG = {
    "account_sid": ACCOUNT_SID,
    "auth_token": AUTH_TOKEN,
    "medium": "sms",
    "phone_number": "+14155550199",
}
WHATSAPP_CONFIG = {**SMS_CONFIG, "medium": "whatsapp", "phone_number": "+14155238886"}


def fixture_fields(name: str) -> dict[str, str]:
    fields: dict[str, str] = json.loads((FIXTURES / f"{name}.json").read_text())
    return fields


def form_body(fields: dict[str, str] | list[tuple[str, str]]) -> bytes:
    return urlencode(fields).encode()


def sms_channel(**config: Any) -> Channel:
    channel, _ = plugin.build_channel({**SMS_CONFIG, **config})
    return channel


def whatsapp_channel(**config: Any) -> Channel:
    channel, _ = plugin.build_channel({**WHATSAPP_CONFIG, **config})
    return channel


def signed(
    body: bytes,
    *,
    url: str = WEBHOOK_URL,
    signed_url: str | None = None,
    token: str = AUTH_TOKEN,
    headers: dict[str, str] | None = None,
) -> InboundRequest:
    """A form POST to `url` whose signature Twilio made for `signed_url` (default: `url`)."""
    params = parse_qsl(body.decode(), keep_blank_values=True)
    signature = compute_signature(signed_url or url, params, token)
    all_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        SIGNATURE_HEADER: signature,
        **(headers or {}),
    }
    return InboundRequest.build("POST", url, all_headers, body)


def signed_fixture(name: str, **kwargs: Any) -> InboundRequest:
    return signed(form_body(fixture_fields(name)), **kwargs)
