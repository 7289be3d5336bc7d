"""Shared parts of the Telegram tests: updates in the Bot API's documented shapes, a channel,
and the simulated Bot API served on loopback over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.outbound.channels.telegram import TelegramSimulator
from adapters.outbound.channels.telegram import plugin as telegram_plugin
from domain.channels import Channel
from domain.ports.webhooks import InboundEvent, InboundRequest

FIXTURES = Path(__file__).parent / "fixtures"
BOT_TOKEN = "7000000001:AAHtest-token_value-0123456789abcdefg"
SECRET_TOKEN = "s3cret-Token_value"
WEBHOOK_URL = "https://hub.example.com/webhooks/telegram/k3y"


def fixture_body(name: str) -> bytes:
    payload = json.loads((FIXTURES / f"{name}.json").read_text())
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def telegram_channel(**config: Any) -> Channel:
    channel, _ = telegram_plugin.build_channel(
        {"bot_token": BOT_TOKEN, "secret_token": SECRET_TOKEN, **config}
    )
    return channel


def update_request(body: bytes, secret: str | None = SECRET_TOKEN) -> InboundRequest:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return InboundRequest.build("POST", WEBHOOK_URL, headers, body)


def parsed(name: str) -> list[InboundEvent]:
    channel = telegram_channel()
    request = update_request(fixture_body(name))
    telegram_plugin.parser.verify(request, channel)
    return telegram_plugin.parser.parse(request, channel)


@pytest.fixture
async def bot_api(serve: Any) -> tuple[TelegramSimulator, Channel]:
    """The simulated Bot API on loopback and a channel pointed at it."""
    simulator = TelegramSimulator()
    channel, _ = telegram_plugin.build_channel(
        simulator.channel_config(await serve(simulator.app()))
    )
    return simulator, channel
