"""Shared parts of the Twilio tests: recorded-style form payloads, channels, signing, and the
simulator served on loopback over real HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.outbound.channels.twilio import plugin
from adapters.outbound.channels.twilio.signature import SIGNATURE_HEADER, compute_signature
from adapters.outbound.http_client import create_client_session
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


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with create_client_session() as client:
        yield client


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[web.Application], Any]]:
    """Serve an aiohttp app on loopback; returns its base URL."""
    servers: list[TestServer] = []

    async def start(app: web.Application) -> str:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()
