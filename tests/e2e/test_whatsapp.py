"""WhatsApp Cloud API end to end: `channelhub serve`, the Graph simulator, real HTTP both ways."""

from __future__ import annotations

import time

import pytest
import requests

from adapters.outbound.channels.whatsapp_cloud.simulator import WhatsAppCloudSimulator
from tests.e2e.accounts import open_inbox
from tests.e2e.conftest import wait_for
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow


@pytest.fixture
def whatsapp(serve):
    simulator = WhatsAppCloudSimulator()
    with LoopbackServer(simulator.app()) as graph:
        server = serve()
        client, base, inbox, channel = open_inbox(
            server, "whatsapp_cloud", simulator.channel_config(graph.base_url), "WhatsApp"
        )
        yield simulator, server, client, base, inbox, channel


def post(request) -> requests.Response:
    return requests.post(request.url, data=request.body, headers=dict(request.headers), timeout=10)


def messages(client, base, conversation_id):
    return client.call("GET", f"{base}/conversations/{conversation_id}/messages", 200)["data"]


def conversation_of(client, base, wa_id):
    data = client.call("GET", f"{base}/conversations", 200)["data"]
    return next(c for c in data if c["contact"]["phone_number"] == f"+{wa_id}")


def reply(client, base, conversation_id, body, expect=201):
    return client.call(
        "POST", f"{base}/conversations/{conversation_id}/messages", expect, json=body
    )


def final(client, base, conversation_id, message_id):
    def settled():
        found = next(m for m in messages(client, base, conversation_id) if m["id"] == message_id)
        return found if found["status"] != "pending" else None

    wait_for(settled, "the message to leave pending")
    return settled()


def test_meta_handshake(whatsapp):
    simulator, _, _, _, inbox, channel = whatsapp
    ask = simulator.handshake_request(channel, "challenge-42", url=inbox["webhook_url"])
    answer = requests.get(inbox["webhook_url"], params=dict(ask.query), timeout=10)
    assert (answer.status_code, answer.text) == (200, "challenge-42")
    wrong = requests.get(
        inbox["webhook_url"], params={**ask.query, "hub.verify_token": "x"}, timeout=10
    )
    assert wrong.status_code == 403


def test_text_in_reply_out_statuses_in_reverse(whatsapp):
    simulator, _, client, base, inbox, channel = whatsapp
    wa_id = simulator.recipient_id
    assert (
        post(
            simulator.incoming_message(
                channel,
                source_id="wamid.IN1",
                sender_id=wa_id,
                text="Hi!",
                url=inbox["webhook_url"],
                timestamp=int(time.time()),
            )
        ).status_code
        == 200
    )
    conversation = conversation_of(client, base, wa_id)
    sent = final(
        client,
        base,
        conversation["id"],
        reply(client, base, conversation["id"], {"content": "Hello Dana"})["id"],
    )
    assert sent["status"] == "sent"
    [received] = simulator.received
    assert received.payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": wa_id,
        "type": "text",
        "text": {"body": "Hello Dana", "preview_url": False},
    }
    assert received.headers["Authorization"].startswith("Bearer ")
    for request in simulator.status_updates(
        channel,
        source_id=sent["source_id"],
        statuses=["delivered", "read"],
        reverse=True,
        duplicate=True,
        url=inbox["webhook_url"],
    ):
        assert post(request).status_code == 200
    after = next(m for m in messages(client, base, conversation["id"]) if m["id"] == sent["id"])
    assert after["status"] == "read"


def test_throttling_is_retried_and_undeliverable_fails(whatsapp):
    simulator, _, client, base, inbox, channel = whatsapp
    post(
        simulator.incoming_message(
            channel,
            source_id="wamid.IN1",
            sender_id=simulator.recipient_id,
            text="Hi",
            url=inbox["webhook_url"],
            timestamp=int(time.time()),
        )
    )
    conversation = conversation_of(client, base, simulator.recipient_id)
    simulator.fail_next_with_code(130429)
    throttled = reply(client, base, conversation["id"], {"content": "one"})
    assert final(client, base, conversation["id"], throttled["id"])["status"] == "sent"
    simulator.fail_next_with_code(131026)
    refused = reply(client, base, conversation["id"], {"content": "two"})
    failed = final(client, base, conversation["id"], refused["id"])
    assert failed["status"] == "failed"
    assert failed["external_error"].startswith("131026")


def test_outside_the_window_only_a_template_goes_out(whatsapp):
    simulator, _, client, base, inbox, channel = whatsapp
    day_ago = int(time.time()) - 25 * 3600
    post(
        simulator.incoming_message(
            channel,
            source_id="wamid.OLD",
            sender_id="4915100000001",
            text="old",
            url=inbox["webhook_url"],
            timestamp=day_ago,
        )
    )
    conversation = conversation_of(client, base, "4915100000001")
    assert conversation["can_reply"] is False
    refused = client.session.post(
        client.base + f"{base}/conversations/{conversation['id']}/messages",
        json={"content": "free-form"},
        timeout=10,
    )
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("messaging-window-closed")
    template = reply(
        client,
        base,
        conversation["id"],
        {"template": {"name": "order_update", "language": "en_US", "parameters": ["4711"]}},
    )
    assert final(client, base, conversation["id"], template["id"])["status"] == "sent"
    payload = simulator.received[-1].payload
    assert payload["type"] == "template"
    assert payload["template"]["name"] == "order_update"


def test_an_inbound_image_is_served_by_channelhub(whatsapp):
    simulator, _, client, base, inbox, channel = whatsapp
    photo = b"\xff\xd8\xff" + bytes(range(256)) * 10
    media_id = simulator.add_media(photo, "image/jpeg")
    post(
        simulator.incoming_image(
            channel,
            source_id="wamid.IMG",
            sender_id=simulator.recipient_id,
            media_id=media_id,
            caption="look",
            url=inbox["webhook_url"],
        )
    )
    conversation = conversation_of(client, base, simulator.recipient_id)

    def attachment():
        return messages(client, base, conversation["id"])[0]["attachments"][0]

    wait_for(lambda: attachment()["status"] == "ready", "the image to be fetched")
    answer = requests.get(attachment()["url"], timeout=10)
    assert (answer.status_code, answer.content) == (200, photo)


def test_the_provider_level_url_routes_by_phone_number_id(whatsapp):
    simulator, server, client, base, _, channel = whatsapp
    request = simulator.incoming_message(
        channel,
        source_id="wamid.ROUTED",
        sender_id="4915100000009",
        text="routed",
        url=f"{server.base_url}/webhooks/whatsapp_cloud",
        timestamp=int(time.time()),
    )
    assert post(request).status_code == 200
    conversation = conversation_of(client, base, "4915100000009")
    assert messages(client, base, conversation["id"])[0]["content"] == "routed"


def test_a_read_receipt_for_the_newest_incoming_message(whatsapp):
    simulator, _, client, base, inbox, channel = whatsapp
    for source_id in ("wamid.R1", "wamid.R2"):
        post(
            simulator.incoming_message(
                channel,
                source_id=source_id,
                sender_id=simulator.recipient_id,
                text=source_id,
                url=inbox["webhook_url"],
                timestamp=int(time.time()),
            )
        )
    conversation = conversation_of(client, base, simulator.recipient_id)
    queued = client.call("POST", f"{base}/conversations/{conversation['id']}/read", 202)
    assert queued["message_id"] == messages(client, base, conversation["id"])[-1]["id"]
    wait_for(lambda: simulator.read_marks == ["wamid.R2"], "the read receipt to reach Graph")
