"""The simulated backend behind callback_url, as tests and sandboxes rely on it."""

from __future__ import annotations

from typing import Any

from adapters.outbound.channels.api import ApiSimulator, ApiWebhookParser, plugin
from adapters.outbound.channels.api.signature import sign
from domain.ports.webhooks import IncomingMessage


async def test_an_unsigned_callback_is_refused_and_not_recorded(aiohttp_client: Any) -> None:
    simulator = ApiSimulator()
    client = await aiohttp_client(simulator.app())
    response = await client.post("/callback", data=b'{"event":"message"}')
    assert response.status == 401
    assert simulator.received == [] and simulator.bad_signatures == 1


async def test_failures_are_scripted_in_order_then_it_recovers(aiohttp_client: Any) -> None:
    simulator = ApiSimulator(hmac_secret="k")
    client = await aiohttp_client(simulator.app())
    body = b'{"event":"message","message":{"content":"hi"},"recipient":{"id":"u"}}'
    headers = {"X-Channelhub-Signature": sign(body, "k")}
    simulator.fail_next(503, times=2, retry_after=3)
    statuses = []
    for _ in range(3):
        response = await client.post("/callback", data=body, headers=headers)
        statuses.append((response.status, response.headers.get("Retry-After")))
    assert statuses == [(503, "3"), (503, "3"), (200, None)]
    assert [(m.recipient_id, m.text) for m in simulator.received] == [("u", "hi")]


def test_incoming_webhooks_carry_the_sender_and_attachments() -> None:
    simulator = ApiSimulator()
    channel, _ = plugin.build_channel(simulator.channel_config("http://127.0.0.1:9"))
    request = simulator.incoming_message(
        channel,
        source_id="m-1",
        sender_id="u-1",
        text="see attached",
        sender_name="Ada",
        attachments=[{"url": "https://f.example/a.jpg", "file_type": "image"}],
    )
    parser = ApiWebhookParser()
    parser.verify(request, channel)
    [event] = parser.parse(request, channel)
    assert isinstance(event, IncomingMessage)
    assert (event.sender.source_id, event.sender.name) == ("u-1", "Ada")
    assert [a.provider_ref for a in event.attachments] == ["https://f.example/a.jpg"]
