"""Shared parts of the WhatsApp tests: recorded-style payloads, channels, and simulators served on
loopback over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.outbound.channels.whatsapp_360dialog import plugin as dialog360_plugin
from adapters.outbound.channels.whatsapp_cloud import plugin as cloud_plugin
from adapters.outbound.graph_whatsapp.signature import sign
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

FIXTURES = Path(__file__).parent / "fixtures"
APP_SECRET = "test_app_secret"
PHONE_NUMBER_ID = "200000000000002"  # the number every fixture is addressed to
CLOUD_CONFIG = {
    "phone_number_id": PHONE_NUMBER_ID,
    "business_account_id": "100000000000001",
    "access_token": "EAAG-test-token",
    "app_secret": APP_SECRET,
    "verify_token": "verify-me",
}
WEBHOOK_URL = "https://hub.example.com/webhooks/whatsapp_cloud/k3y"


def fixture_body(name: str) -> bytes:
    """A fixture as Meta would send it: compact JSON, non-ASCII escaped."""
    payload = json.loads((FIXTURES / f"{name}.json").read_text())
    return json.dumps(payload, separators=(",", ":")).encode()


def cloud_channel(**config: Any) -> Channel:
    channel, _ = cloud_plugin.build_channel({**CLOUD_CONFIG, **config})
    return channel


def dialog360_channel(**config: Any) -> Channel:
    channel, _ = dialog360_plugin.build_channel(
        {"phone_number": "15550001111", "api_key": "d360-key", **config}
    )
    return channel


def signed(body: bytes, secret: str = APP_SECRET) -> InboundRequest:
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)}
    return InboundRequest.build("POST", WEBHOOK_URL, headers, body)
