"""The simulators play Graph faithfully: signed webhooks, batches, flaky statuses, refusals."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.contracts.simulator import ProviderSimulator
from adapters.outbound.channels.whatsapp_360dialog import WhatsApp360DialogSimulator
from adapters.outbound.channels.whatsapp_360dialog import plugin as dialog360_plugin
from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudSimulator
from adapters.outbound.channels.whatsapp_cloud import plugin as cloud_plugin
from adapters.outbound.graph_whatsapp.signature import is_valid
from domain.messages import MessageStatus
from domain.ports.webhooks import IncomingMessage, StatusUpdate


def cloud() -> tuple[WhatsAppCloudSimulator, Any]:
    simulator = WhatsAppCloudSimulator()
    channel, _ = cloud_plugin.build_channel(simulator.channel_config("http://127.0.0.1:9"))
    return simulator, channel


def test_both_simulators_offer_what_the_contract_suites_drive() -> None:
    assert isinstance(WhatsAppCloudSimulator(), ProviderSimulator)
    assert isinstance(WhatsApp360DialogSimulator(), ProviderSimulator)


def test_webhooks_are_signed_over_the_exact_bytes_meta_would_send() -> None:
    simulator, channel = cloud()
    request = simulator.incoming_message(
        channel, source_id="wamid.1", sender_id="447700900123", text="Grüße/👋"
    )
    # Meta escapes non-ASCII characters and slashes; the signature covers those bytes.
    assert b"Gr\\u00fc\\u00dfe\\/\\ud83d\\udc4b" in request.body
    assert is_valid(request.body, simulator.app_secret, request.header("X-Hub-Signature-256"))
    cloud_plugin.parser.verify(request, channel)
    [message] = cloud_plugin.parser.parse(request, channel)
    assert isinstance(message, IncomingMessage) and message.content == "Grüße/👋"


def test_a_batched_webhook_with_three_messages_and_two_statuses_gives_five_events() -> None:
    simulator, channel = cloud()
    request = simulator.batched(channel, messages=3, status_ids=["wamid.O1", "wamid.O2"])
    cloud_plugin.parser.verify(request, channel)
    events = cloud_plugin.parser.parse(request, channel)
    assert [type(e).__name__ for e in events] == ["IncomingMessage"] * 3 + ["StatusUpdate"] * 2
    assert [getattr(e, "source_id", None) for e in events] == [
        "wamid.BATCH0001",
        "wamid.BATCH0002",
        "wamid.BATCH0003",
        "wamid.O1",
        "wamid.O2",
    ]


def test_status_webhooks_can_come_duplicated_and_out_of_order() -> None:
    simulator, channel = cloud()
    requests = simulator.status_updates(
        channel,
        source_id="wamid.O1",
        statuses=["sent", "delivered", "read"],
        duplicate=True,
        reverse=True,
    )
    states = [cloud_plugin.parser.parse(r, channel)[0] for r in requests]
    assert [s.status for s in states if isinstance(s, StatusUpdate)] == [
        MessageStatus.READ,
        MessageStatus.READ,
        MessageStatus.DELIVERED,
        MessageStatus.DELIVERED,
        MessageStatus.SENT,
        MessageStatus.SENT,
    ]


def test_a_failed_status_carries_the_graph_error() -> None:
    simulator, channel = cloud()
    request = simulator.status_update(channel, source_id="w", status="failed", error_code=131047)
    [update] = cloud_plugin.parser.parse(request, channel)
    assert isinstance(update, StatusUpdate)
    assert update.error == "131047: Re-engagement message"


def test_the_handshake_request_passes_the_cloud_parser() -> None:
    simulator, channel = cloud()
    reply = cloud_plugin.parser.handshake(simulator.handshake_request(channel, "42"), channel)
    assert reply is not None and reply.body == b"42"


def test_360dialog_webhooks_carry_the_configured_header() -> None:
    simulator = WhatsApp360DialogSimulator()
    channel, _ = dialog360_plugin.build_channel(simulator.channel_config("http://127.0.0.1:9"))
    request = simulator.incoming_message(channel, source_id="w", sender_id="4477", text="hi")
    assert request.header("Authorization") == simulator.webhook_secret
    dialog360_plugin.parser.verify(request, channel)
    assert json.loads(request.body)["entry"][0]["changes"][0]["value"]["metadata"] == {
        "display_phone_number": "15550001111",
        "phone_number_id": simulator.phone_number_id,
    }


async def test_graph_refuses_a_body_without_messaging_product_and_records_nothing(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator = WhatsAppCloudSimulator()
    base = await serve(simulator.app())
    headers = {"Authorization": f"Bearer {simulator.access_token}"}
    url = f"{base}/{simulator.phone_number_id}/messages"
    async with session.post(url, json={"to": "1", "type": "text"}, headers=headers) as answer:
        assert answer.status == 400
        assert (await answer.json())["error"]["code"] == 100
    assert simulator.received == [] and len(simulator.refused) == 1


async def test_graph_refuses_another_numbers_endpoint(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator = WhatsAppCloudSimulator()
    base = await serve(simulator.app())
    headers = {"Authorization": f"Bearer {simulator.access_token}"}
    body = {"messaging_product": "whatsapp", "to": "1", "type": "text", "text": {"body": "x"}}
    async with session.post(f"{base}/999/messages", json=body, headers=headers) as answer:
        assert answer.status == 400
    assert simulator.received == []


async def test_a_webhook_is_emitted_over_http_as_made(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    seen: list[tuple[bytes, str | None]] = []

    async def receiver(request: web.Request) -> web.Response:
        seen.append((await request.read(), request.headers.get("X-Hub-Signature-256")))
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/webhooks/whatsapp_cloud/key", receiver)
    base = await serve(app)
    simulator, channel = cloud()
    request = simulator.incoming_message(
        channel,
        source_id="w1",
        sender_id="4477",
        text="hi",
        url=f"{base}/webhooks/whatsapp_cloud/key",
    )
    assert await simulator.emit(session, request) == 200
    assert seen == [(request.body, request.header("X-Hub-Signature-256"))]


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_plain_http_failures_come_in_graphs_envelope(
    status: int, serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator = WhatsAppCloudSimulator()
    base = await serve(simulator.app())
    simulator.fail_next(status, retry_after=3)
    headers = {"Authorization": f"Bearer {simulator.access_token}"}
    url = f"{base}/{simulator.phone_number_id}/messages"
    async with session.post(url, json={}, headers=headers) as answer:
        assert answer.status == status
        assert answer.headers["Retry-After"] == "3"
        assert isinstance((await answer.json())["error"]["code"], int)
