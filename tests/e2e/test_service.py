"""The service as a user runs it: `channelhub serve`, real HTTP, the api channel's callback."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from adapters.outbound.channels.api.simulator import ApiSimulator
from tests.e2e.accounts import Client, admin_token
from tests.e2e.conftest import wait_for
from tests.support.loopback import LoopbackServer, free_port

pytestmark = pytest.mark.slow
SECRET = "e2e-hmac-secret"


def setup_inbox(server, callback_base: str):
    admin = Client(server.base_url, admin_token(server))
    account = admin.call("POST", "/api/v1/accounts", 201, json={"name": "Acme"})
    client = Client(server.base_url, account["api_token"])
    inbox = client.call(
        "POST",
        f"/api/v1/accounts/{account['id']}/inboxes",
        201,
        json={
            "name": "Website backend",
            "channel": {
                "type": "api",
                "callback_url": f"{callback_base}/callback",
                "hmac_secret": SECRET,
            },
        },
    )
    return client, f"/api/v1/accounts/{account['id']}", inbox


def post_webhook(url: str, payload: dict, secret: str = SECRET) -> requests.Response:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(
        url,
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json", "X-Channelhub-Signature": signature},
    )


def incoming(message_id: str, text: str = "Hello!") -> dict:
    return {
        "event": "message",
        "message": {"id": message_id, "content": text},
        "sender": {"id": "user-42", "name": "Ann"},
    }


def message_of(client, base, conversation_id, message_id):
    data = client.call("GET", f"{base}/conversations/{conversation_id}/messages", 200)["data"]
    return next(m for m in data if m["id"] == message_id)


def settled_reply(client, base, content: str = "reply"):
    """Reply in the only conversation and wait until delivery ends; the message as it ended."""
    [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
    reply = client.call(
        "POST",
        f"{base}/conversations/{conversation['id']}/messages",
        201,
        json={"content": content},
    )

    def settled():
        found = message_of(client, base, conversation["id"], reply["id"])
        return found if found["status"] != "pending" else None

    wait_for(settled, "delivery to finish")
    return message_of(client, base, conversation["id"], reply["id"])


def test_first_start_prints_and_stores_the_admin_token(serve, tmp_path):
    server = serve()
    token = admin_token(server)
    stored = tmp_path / "var" / "admin_token"
    assert stored.read_text().strip() == token
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600
    assert f"http://127.0.0.1:{server.port}" in server.output


def test_a_conversation_end_to_end_and_a_reply_delivered_signed(serve):
    simulator = ApiSimulator(hmac_secret=SECRET)
    with LoopbackServer(simulator.app()) as backend:
        server = serve()
        client, base, inbox = setup_inbox(server, backend.base_url)
        assert inbox["webhook_url"].startswith(server.base_url + "/webhooks/api/")
        assert post_webhook(inbox["webhook_url"], incoming("m-1")).status_code == 200

        [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
        assert conversation["contact"]["name"] == "Ann"
        reply = client.call(
            "POST",
            f"{base}/conversations/{conversation['id']}/messages",
            201,
            json={"content": "Hi Ann, how can we help?"},
        )
        assert reply["status"] == "pending"
        wait_for(
            lambda: message_of(client, base, conversation["id"], reply["id"])["status"] == "sent",
            "the reply to be sent",
        )
        sent = message_of(client, base, conversation["id"], reply["id"])
        assert sent["source_id"] == "sim-1"
        [received] = simulator.received
        assert (received.recipient_id, received.text) == ("user-42", "Hi Ann, how can we help?")
        assert simulator.bad_signatures == 0

        assert (
            post_webhook(
                inbox["webhook_url"], {"event": "status", "message_id": "sim-1", "status": "read"}
            ).status_code
            == 200
        )
        assert (
            post_webhook(
                inbox["webhook_url"],
                {"event": "status", "message_id": "sim-1", "status": "delivered"},
            ).status_code
            == 200
        )
        assert message_of(client, base, conversation["id"], reply["id"])["status"] == "read"


def test_fifty_concurrent_replays_store_one_message_and_bad_input_is_4xx(serve):
    server = serve()
    client, base, inbox = setup_inbox(server, "http://127.0.0.1:9")
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(
            pool.map(lambda _: post_webhook(inbox["webhook_url"], incoming("dup")), range(50))
        )
    assert {a.status_code for a in answers} == {200}
    [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
    messages = client.call("GET", f"{base}/conversations/{conversation['id']}/messages", 200)
    assert len(messages["data"]) == 1

    forged = post_webhook(inbox["webhook_url"], incoming("forged"), secret="wrong")
    assert forged.status_code == 401
    assert forged.headers["Content-Type"] == "application/problem+json"
    body = b"{not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    malformed = requests.post(
        inbox["webhook_url"],
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json", "X-Channelhub-Signature": signature},
    )
    assert malformed.status_code == 400
    assert {"type", "title", "status", "detail"} <= set(malformed.json())
    messages = client.call("GET", f"{base}/conversations/{conversation['id']}/messages", 200)
    assert len(messages["data"]) == 1


@pytest.mark.parametrize(("failures", "final"), [((500, 2), "sent"), ((400, 1), "failed")])
def test_provider_errors_retry_or_fail(serve, failures, final):
    simulator = ApiSimulator(hmac_secret=SECRET)
    simulator.fail_next(*failures)
    with LoopbackServer(simulator.app()) as backend:
        server = serve()
        client, base, inbox = setup_inbox(server, backend.base_url)
        post_webhook(inbox["webhook_url"], incoming("m-1"))
        after = settled_reply(client, base)
        assert after["status"] == final
        if final == "sent":
            assert after["external_error"] is None and len(simulator.received) == 1
        else:
            assert "400" in after["external_error"] and simulator.received == []


def test_killed_while_messages_are_pending_each_is_delivered_exactly_once(serve):
    backend_port = free_port()  # nothing listens yet: every attempt fails to connect
    server = serve(CHANNELHUB_RETRY_BASE_SECONDS="2")
    client, base, inbox = setup_inbox(server, f"http://127.0.0.1:{backend_port}")
    post_webhook(inbox["webhook_url"], incoming("m-1"))
    [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
    path = f"{base}/conversations/{conversation['id']}/messages"
    replies = [client.call("POST", path, 201, json={"content": f"reply {i}"}) for i in range(5)]

    def all_attempted() -> bool:
        data = client.call("GET", path, 200)["data"]
        return all(m["external_error"] for m in data if m["message_type"] == "outgoing")

    wait_for(all_attempted, "a first failed attempt of every reply")
    server.kill()

    simulator = ApiSimulator(hmac_secret=SECRET)
    with LoopbackServer(simulator.app(), port=backend_port):
        restarted = serve(port=server.port, CHANNELHUB_RETRY_BASE_SECONDS="2")
        wait_for(lambda: len(simulator.received) >= 5, "the pending replies to be delivered")
        wait_for(
            lambda: all(
                m["status"] == "sent"
                for m in client.call("GET", path, 200)["data"]
                if m["message_type"] == "outgoing"
            ),
            "every reply to be sent",
        )
        sent_ids = sorted(r.payload["message"]["id"] for r in simulator.received)
        assert sent_ids == sorted(r["id"] for r in replies)
        assert restarted.process.poll() is None


def test_an_incoming_attachment_is_fetched_and_served_through_a_signed_link(serve):
    from aiohttp import web

    image = bytes(range(256)) * 40

    async def cat(request):
        return web.Response(body=image, content_type="image/png")

    files = web.Application()
    files.router.add_get("/files/cat.png", cat)
    with LoopbackServer(files) as host:
        server = serve()
        client, base, inbox = setup_inbox(server, "http://127.0.0.1:9")
        payload = incoming("m-photo", "a cat")
        payload["message"]["attachments"] = [
            {"url": f"{host.base_url}/files/cat.png", "file_type": "image"}
        ]
        assert post_webhook(inbox["webhook_url"], payload).status_code == 200
        [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
        path = f"{base}/conversations/{conversation['id']}/messages"

        def attachment():
            return client.call("GET", path, 200)["data"][0]["attachments"][0]

        wait_for(lambda: attachment()["status"] == "ready", "the image to be fetched")
        ready = attachment()
        assert (ready["mime_type"], ready["size"], ready["file_name"]) == (
            "image/png",
            len(image),
            "cat.png",
        )
        answer = requests.get(ready["url"], timeout=10)  # no token: the link is the credential
        assert answer.status_code == 200
        assert answer.content == image
        assert answer.headers["Content-Type"] == "image/png"
        forged = requests.get(ready["url"].replace("signature=", "signature=0"), timeout=10)
        assert forged.status_code == 404
