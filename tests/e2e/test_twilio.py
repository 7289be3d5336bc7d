"""Twilio end to end: `channelhub serve`, the simulated Messages API, real HTTP both ways, for
SMS and for WhatsApp."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from adapters.outbound.channels.twilio.simulator import TwilioSimulator
from domain.channels import Channel
from tests.e2e.accounts import Client, open_inbox
from tests.e2e.conftest import ServerProcess, wait_for
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
CONTACT_NUMBER = "+447700900123"  # TwilioSimulator.recipient_number


@dataclass
class Twilio:
    simulator: TwilioSimulator
    server: ServerProcess
    client: Client
    base: str
    inbox: dict[str, Any]
    channel: Channel

    @property
    def webhook_url(self) -> str:
        return str(self.inbox["webhook_url"])

    def conversation_with(self, phone_number: str) -> dict[str, Any]:
        data = self.client.call("GET", f"{self.base}/conversations", 200)["data"]
        return next(c for c in data if c["contact"]["phone_number"] == phone_number)

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        path = f"{self.base}/conversations/{conversation_id}/messages"
        return list(self.client.call("GET", path, 200)["data"])

    def message(self, conversation_id: str, message_id: str) -> dict[str, Any]:
        return next(m for m in self.messages(conversation_id) if m["id"] == message_id)

    def reply(self, conversation_id: str, body: dict[str, Any]) -> requests.Response:
        return self.client.session.post(
            f"{self.client.base}{self.base}/conversations/{conversation_id}/messages",
            json=body,
            timeout=10,
        )

    def settled(self, conversation_id: str, message_id: str) -> dict[str, Any]:
        """The message once delivery is over (sent or failed)."""
        wait_for(
            lambda: self.message(conversation_id, message_id)["status"] != "pending",
            "the message to leave pending",
        )
        return self.message(conversation_id, message_id)

    def contact_writes(self, text: str = "Hi!", source_id: str = "SM" + "a" * 32) -> str:
        answer = post(
            self.simulator.incoming_message(
                self.channel,
                source_id=source_id,
                sender_id=self.simulator.recipient_id,
                text=text,
                url=self.webhook_url,
            )
        )
        assert answer.status_code == 200, answer.text
        return str(self.conversation_with(CONTACT_NUMBER)["id"])


@contextmanager
def running(serve: Callable[..., ServerProcess], medium: str, **env: str) -> Iterator[Twilio]:
    simulator = TwilioSimulator(medium)
    with LoopbackServer(simulator.app()) as api:
        server = serve(**env)
        client, base, inbox, channel = open_inbox(
            server, "twilio", simulator.channel_config(api.base_url), f"Twilio {medium}"
        )
        yield Twilio(simulator, server, client, base, inbox, channel)


@pytest.fixture(params=["sms", "whatsapp"])
def twilio(request: pytest.FixtureRequest, serve: Any) -> Iterator[Twilio]:
    with running(serve, request.param) as started:
        yield started


@pytest.fixture
def twilio_sms(serve: Any) -> Iterator[Twilio]:
    with running(serve, "sms") as started:
        yield started


@pytest.fixture
def twilio_whatsapp(serve: Any) -> Iterator[Twilio]:
    with running(serve, "whatsapp") as started:
        yield started


def post(request: Any) -> requests.Response:
    return requests.post(request.url, data=request.body, headers=dict(request.headers), timeout=10)


def test_a_reply_goes_out_as_twilio_expects_and_late_statuses_cannot_go_back(
    twilio: Twilio,
) -> None:
    simulator = twilio.simulator
    answer = post(
        simulator.incoming_message(
            twilio.channel,
            source_id="SM" + "1" * 32,
            sender_id=simulator.recipient_id,
            text="Where is my order?",
            url=twilio.webhook_url,
        )
    )
    assert (answer.status_code, answer.content) == (200, EMPTY_TWIML)
    assert answer.headers["Content-Type"].startswith("application/xml")
    conversation = twilio.conversation_with(CONTACT_NUMBER)
    assert conversation["can_reply"] is True
    if simulator.medium == "whatsapp":
        assert conversation["contact"]["name"] == "Dana"
    [incoming] = twilio.messages(conversation["id"])
    assert (incoming["content"], incoming["source_id"]) == ("Where is my order?", "SM" + "1" * 32)

    queued = twilio.reply(conversation["id"], {"content": "It ships today ✓"})
    assert queued.status_code == 201, queued.text
    sent = twilio.settled(conversation["id"], queued.json()["id"])
    assert sent["status"] == "sent"
    [received] = simulator.received
    assert received.payload == [
        ("To", simulator.recipient_id),
        ("From", simulator.sender_address),
        ("Body", "It ships today ✓"),
        ("StatusCallback", twilio.webhook_url),
    ]
    credentials = f"{simulator.account_sid}:{simulator.auth_token}".encode()
    assert received.headers["Authorization"] == "Basic " + base64.b64encode(credentials).decode()
    assert sent["source_id"] == simulator.sids[0]

    callback_url = dict(received.payload)["StatusCallback"]
    for request in simulator.status_updates(
        twilio.channel,
        source_id=sent["source_id"],
        statuses=["delivered", "sent"],  # `sent` arrives late
        url=callback_url,
    ):
        assert post(request).status_code == 200
    assert twilio.message(conversation["id"], sent["id"])["status"] == "delivered"


def test_one_message_delivered_many_times_at_once_is_stored_once(twilio_sms: Twilio) -> None:
    twilio = twilio_sms
    request = twilio.simulator.incoming_message(
        twilio.channel,
        source_id="SM" + "5" * 32,
        sender_id=CONTACT_NUMBER,
        text="only once",
        url=twilio.webhook_url,
    )
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: post(request).status_code, range(20)))
    assert statuses == [200] * 20
    conversation = twilio.conversation_with(CONTACT_NUMBER)
    assert [m["content"] for m in twilio.messages(conversation["id"])] == ["only once"]


def test_an_incoming_image_is_served_by_channelhub(twilio: Twilio) -> None:
    simulator = twilio.simulator
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16
    media_url = simulator.add_media(
        twilio.channel, photo, "image/jpeg", message_sid="MM" + "2" * 32
    )
    answer = post(
        simulator.incoming_media(
            twilio.channel,
            source_id="MM" + "2" * 32,
            sender_id=simulator.recipient_id,
            media=[(media_url, "image/jpeg")],
            text="the damaged box",
            url=twilio.webhook_url,
        )
    )
    assert answer.status_code == 200
    conversation = twilio.conversation_with(CONTACT_NUMBER)

    def attachment() -> dict[str, Any]:
        return dict(twilio.messages(conversation["id"])[0]["attachments"][0])

    wait_for(lambda: attachment()["status"] == "ready", "the image to be fetched")
    served = requests.get(attachment()["url"], timeout=10)
    assert (served.status_code, served.content) == (200, photo)
    assert served.headers["Content-Type"].startswith("image/jpeg")
    assert simulator.media_requests[0]["Authorization"].startswith("Basic ")


def test_an_unsubscribed_contact_fails_and_is_refused_afterwards(twilio: Twilio) -> None:
    conversation_id = twilio.contact_writes()
    twilio.simulator.unsubscribe(CONTACT_NUMBER)
    queued = twilio.reply(conversation_id, {"content": "Anything else?"})
    assert queued.status_code == 201, queued.text
    failed = twilio.settled(conversation_id, queued.json()["id"])
    assert failed["status"] == "failed"
    assert failed["external_error"].startswith("21610: ")
    refused = twilio.reply(conversation_id, {"content": "Hello?"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("contact-unreachable")
    assert len(twilio.simulator.received) == 0


def test_a_whatsapp_template_outside_the_window_goes_out_by_content_sid(
    twilio_whatsapp: Twilio,
) -> None:
    twilio = twilio_whatsapp
    start = {
        "inbox_id": twilio.inbox["id"],
        "contact": {"source_id": "whatsapp:+4915100000001", "name": "Eva"},
    }
    url = f"{twilio.client.base}{twilio.base}/conversations"
    free_form = twilio.client.session.post(
        url, json={**start, "message": {"content": "Hi Eva"}}, timeout=10
    )
    assert free_form.status_code == 422, free_form.text
    assert free_form.json()["type"].endswith("messaging-window-closed")
    template = {
        "name": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
        "language": "en",
        "parameters": ["4711"],
    }
    conversation = twilio.client.call(
        "POST",
        f"{twilio.base}/conversations",
        201,
        json={**start, "message": {"template": template}},
    )
    assert conversation["can_reply"] is False
    [message] = twilio.messages(conversation["id"])
    assert twilio.settled(conversation["id"], message["id"])["status"] == "sent"
    [received] = twilio.simulator.received
    assert received.payload == [
        ("To", "whatsapp:+4915100000001"),
        ("From", twilio.simulator.sender_address),
        ("ContentSid", "HXb5b62575e6e4ff6129ad7c8efe1f983e"),
        ("ContentVariables", '{"1": "4711"}'),
        ("StatusCallback", twilio.webhook_url),
    ]


def test_throttling_is_retried_until_twilio_takes_the_message(twilio_sms: Twilio) -> None:
    twilio = twilio_sms
    conversation_id = twilio.contact_writes()
    twilio.simulator.fail_next_with_code(20429, times=2)
    queued = twilio.reply(conversation_id, {"content": "after the rush"})
    assert twilio.settled(conversation_id, queued.json()["id"])["status"] == "sent"
    assert [m.text for m in twilio.simulator.received] == ["after the rush"]


def test_a_request_signed_with_another_token_is_refused_and_stores_nothing(
    twilio_sms: Twilio,
) -> None:
    twilio = twilio_sms
    forged = Channel("twilio", {**twilio.channel.config, "auth_token": "not-the-token"})
    answer = post(
        twilio.simulator.incoming_message(
            forged,
            source_id="SM" + "f" * 32,
            sender_id=CONTACT_NUMBER,
            text="hi",
            url=twilio.webhook_url,
        )
    )
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert twilio.client.call("GET", f"{twilio.base}/conversations", 200)["data"] == []


def test_behind_a_proxy_the_public_url_is_what_is_verified(serve: Any) -> None:
    public = "https://hub.example.com"
    with running(serve, "sms", CHANNELHUB_PUBLIC_URL=public) as twilio:
        assert twilio.webhook_url.startswith(f"{public}/webhooks/twilio/")
        path = twilio.webhook_url.removeprefix(public)
        # Twilio signed the public URL; the request reaches the app on another scheme and host.
        signed = twilio.simulator.incoming_message(
            twilio.channel,
            source_id="SM" + "3" * 32,
            sender_id=CONTACT_NUMBER,
            text="via the proxy",
            url=twilio.webhook_url,
        )
        headers = {
            **signed.headers,
            "x-forwarded-proto": "https",
            "x-forwarded-host": "hub.example.com",
        }
        answer = requests.post(
            twilio.server.base_url + path, data=signed.body, headers=headers, timeout=10
        )
        assert answer.status_code == 200, answer.text
        conversation = twilio.conversation_with(CONTACT_NUMBER)
        assert twilio.messages(conversation["id"])[0]["content"] == "via the proxy"
        # A signature over the URL the app itself sees is not Twilio's.
        internal = twilio.simulator.incoming_message(
            twilio.channel,
            source_id="SM" + "4" * 32,
            sender_id=CONTACT_NUMBER,
            text="not via the proxy",
            url=twilio.server.base_url + path,
        )
        assert post(internal).status_code == 401


def test_a_conversation_started_with_the_bare_number_reaches_the_contact_who_wrote(
    twilio: Twilio,
) -> None:
    """On WhatsApp the contact writes as `whatsapp:+44...`; the API user gives `+44...`."""
    written = twilio.contact_writes()
    started = twilio.client.call(
        "POST",
        f"{twilio.base}/conversations",
        201,
        json={
            "inbox_id": twilio.inbox["id"],
            "contact": {"phone_number": CONTACT_NUMBER},
            "message": {"content": "Following up"},
        },
    )
    assert started["id"] == written
    contacts = twilio.client.call("GET", f"{twilio.base}/contacts", 200)["data"]
    assert len(contacts) == 1
    [_, reply] = twilio.messages(written)
    assert twilio.settled(written, reply["id"])["status"] == "sent"
    [received] = twilio.simulator.received
    assert dict(received.payload)["To"] == twilio.simulator.recipient_id
