"""The api channel's outbound wire format, over real HTTP to the simulated backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.outbound.channels.api import ApiSender, ApiSimulator, plugin
from adapters.outbound.channels.api.signature import is_valid
from adapters.outbound.http_client import create_client_session
from domain.errors import ChannelRejected
from domain.ports.senders import (
    OutboundAttachment,
    OutboundButton,
    OutboundMessage,
    OutboundTemplate,
)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with create_client_session() as client:
        yield client


@pytest.fixture
async def serve() -> AsyncIterator[Any]:
    servers: list[TestServer] = []

    async def start(app: web.Application) -> str:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url(""))

    yield start
    for server in servers:
        await server.close()


async def test_every_part_of_a_message_reaches_the_backend_signed(serve: Any, session: Any) -> None:
    simulator = ApiSimulator()
    channel, _ = plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    message = OutboundMessage(
        message_id="msg-1",
        conversation_id="conv-1",
        recipient_id="user-9",
        content="Your order shipped",
        attachments=(OutboundAttachment("https://f.example/r.pdf", "file", "receipt.pdf"),),
        template=OutboundTemplate("shipping", "en", ("42",), {"components": [1]}),
        buttons=(OutboundButton("track", "Track it"),),
        reply_to_source_id="in-5",
    )
    receipt = await ApiSender(session).send(message, channel)
    assert receipt.source_id == "sim-1"
    [received] = simulator.received
    assert received.payload == {
        "event": "message",
        "message": {
            "id": "msg-1",
            "conversation_id": "conv-1",
            "content": "Your order shipped",
            "content_type": "template",
            "attachments": [
                {"url": "https://f.example/r.pdf", "file_type": "file", "file_name": "receipt.pdf"}
            ],
            "content_attributes": {
                "in_reply_to": "in-5",
                "buttons": [{"id": "track", "title": "Track it"}],
                "template": {
                    "name": "shipping",
                    "language": "en",
                    "parameters": ["42"],
                    "provider_params": {"components": [1]},
                },
            },
        },
        "conversation_id": "conv-1",
        "recipient": {"id": "user-9"},
    }
    assert received.headers["Content-Type"] == "application/json"
    assert simulator.bad_signatures == 0


async def test_a_plain_text_message_has_no_extra_attributes(serve: Any, session: Any) -> None:
    simulator = ApiSimulator()
    channel, _ = plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    await ApiSender(session).send(OutboundMessage("m", "c", "u", content="hi"), channel)
    [received] = simulator.received
    assert received.payload["message"]["content_type"] == "text"
    assert received.payload["message"]["content_attributes"] == {}
    assert received.payload["message"]["attachments"] == []


async def test_a_backend_holding_another_secret_refuses_for_good(serve: Any, session: Any) -> None:
    simulator = ApiSimulator(hmac_secret="the-backend-secret")
    config = simulator.channel_config(await serve(simulator.app())) | {"hmac_secret": "stale"}
    channel, _ = plugin.build_channel(config)
    with pytest.raises(ChannelRejected) as caught:
        await ApiSender(session).send(OutboundMessage("m", "c", "u", content="hi"), channel)
    assert caught.value.code == "401"
    assert simulator.bad_signatures == 1
    assert "stale" not in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "source_id"),
    [
        (web.json_response({"id": "b-7"}), "b-7"),
        (web.json_response({"id": 7}), "7"),
        (web.json_response({"ok": True}), None),
        (web.json_response({"id": ""}), None),
        (web.json_response(["b-7"]), None),
        (web.Response(status=204), None),
        (web.Response(text="accepted"), None),
    ],
)
async def test_the_source_id_comes_from_the_answer_when_there_is_one(
    serve: Any, session: Any, answer: web.Response, source_id: str | None
) -> None:
    seen: list[bytes] = []

    async def backend(request: web.Request) -> web.Response:
        body = await request.read()
        assert is_valid(body, "k", request.headers.get("X-Channelhub-Signature"))
        seen.append(body)
        return answer

    app = web.Application()
    app.router.add_post("/cb", backend)
    base = await serve(app)
    channel, _ = plugin.build_channel({"callback_url": f"{base}/cb", "hmac_secret": "k"})
    receipt = await ApiSender(session).send(OutboundMessage("m", "c", "u", content="x"), channel)
    assert receipt.source_id == source_id
    assert len(seen) == 1


def test_the_sender_says_it_carries_everything_at_any_time() -> None:
    caps = ApiSender.capabilities
    assert caps == plugin.capabilities
    assert caps.attachment_types >= {"image", "audio", "video", "file", "location", "contact"}
    assert (caps.templates, caps.buttons, caps.reply_to) == (True, True, True)
    assert caps.max_text_length is None and caps.window.hours is None
