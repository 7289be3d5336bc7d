"""The simulator makes webhooks the parser accepts, for both media, and keeps the contract
suites with a WhatsApp sender and with a Messaging Service too."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from adapters.contracts.channel_sender import ChannelSenderContract
from adapters.contracts.simulator import ProviderSimulator
from adapters.contracts.webhook_parser import WebhookParserContract
from adapters.outbound.channels.twilio import TwilioSimulator, plugin
from adapters.outbound.channels.twilio.simulator import MESSAGES_PATH
from application.channels import ChannelPlugin
from domain.channels import Channel
from domain.messages import MessageStatus
from domain.ports.webhooks import Ignored, IncomingMessage, StatusUpdate
from tests.support.loopback import LoopbackServer

URL = "http://127.0.0.1:8000/webhooks/twilio/k3y"


@pytest.fixture(params=["sms", "whatsapp"])
def medium(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def simulator(medium: str) -> TwilioSimulator:
    return TwilioSimulator(medium)


@pytest.fixture
def channel(simulator: TwilioSimulator) -> Channel:
    built, _ = plugin.build_channel(simulator.channel_config("http://127.0.0.1:9"))
    return built


def test_an_incoming_message_is_signed_and_parsed(
    simulator: TwilioSimulator, channel: Channel
) -> None:
    request = simulator.incoming_message(
        channel, source_id="SM1", sender_id=simulator.recipient_id, text="hi", url=URL
    )
    plugin.parser.verify(request, channel)
    [message] = plugin.parser.parse(request, channel)
    assert isinstance(message, IncomingMessage)
    assert (message.sender.source_id, message.sender.phone_number) == (
        simulator.recipient_id,
        "+447700900123",
    )
    assert message.sender.name == ("Dana" if simulator.medium == "whatsapp" else None)


def test_media_urls_point_at_the_simulator(simulator: TwilioSimulator, channel: Channel) -> None:
    url = simulator.add_media(channel, b"GIF89a", "image/gif", message_sid="MM9")
    request = simulator.incoming_media(
        channel,
        source_id="MM9",
        sender_id=simulator.recipient_id,
        media=[(url, "image/gif")],
        url=URL,
    )
    plugin.parser.verify(request, channel)
    [message] = plugin.parser.parse(request, channel)
    assert isinstance(message, IncomingMessage)
    assert [(a.file_type, a.provider_ref) for a in message.attachments] == [("image", url)]
    assert url.startswith(f"http://127.0.0.1:9/2010-04-01/Accounts/{simulator.account_sid}/")


def test_status_callbacks_out_of_order_and_twice(
    simulator: TwilioSimulator, channel: Channel
) -> None:
    requests = simulator.status_updates(
        channel,
        source_id="SM1",
        statuses=["sending", "sent", "delivered"],
        reverse=True,
        duplicate=True,
        url=URL,
    )
    events = []
    for request in requests:
        plugin.parser.verify(request, channel)
        events += plugin.parser.parse(request, channel)
    delivered, sent = (
        StatusUpdate("SM1", MessageStatus.DELIVERED),
        StatusUpdate("SM1", MessageStatus.SENT),
    )
    assert [e if isinstance(e, StatusUpdate) else type(e) for e in events] == [
        delivered,
        delivered,
        sent,
        sent,
        Ignored,
        Ignored,
    ]


def test_a_failed_status_carries_the_error_code(
    simulator: TwilioSimulator, channel: Channel
) -> None:
    request = simulator.status_update(
        channel, source_id="SM1", status="undelivered", url=URL, error_code="30003"
    )
    assert request is not None
    assert plugin.parser.parse(request, channel) == [
        StatusUpdate("SM1", MessageStatus.FAILED, "30003: Unreachable destination handset")
    ]


def test_read_receipts_exist_on_whatsapp_only(simulator: TwilioSimulator, channel: Channel) -> None:
    request = simulator.status_update(channel, source_id="SM1", status="read", url=URL)
    assert (request is not None) == (simulator.medium == "whatsapp")


def test_a_json_webhook_is_signed_over_its_url_with_the_body_hash(
    simulator: TwilioSimulator, channel: Channel
) -> None:
    request = simulator.signed_json_request(channel, b'{"EventType": "x"}', url=URL)
    assert "bodySHA256=" in request.url
    plugin.parser.verify(request, channel)


def test_the_simulator_offers_what_the_suites_use(simulator: TwilioSimulator) -> None:
    assert isinstance(simulator, ProviderSimulator)


class WhatsAppAndServiceSimulators:
    @pytest.fixture
    def plugin(self) -> ChannelPlugin:
        return plugin

    @pytest.fixture(params=["whatsapp", "messaging_service"])
    def simulator(self, request: pytest.FixtureRequest) -> Any:
        if request.param == "whatsapp":
            return TwilioSimulator("whatsapp")
        return TwilioSimulator("sms", messaging_service=True)


class TestWhatsAppAndServiceParsers(WhatsAppAndServiceSimulators, WebhookParserContract):
    pass


class TestWhatsAppAndServiceSenders(WhatsAppAndServiceSimulators, ChannelSenderContract):
    pass


def test_credentials_that_are_not_ascii_are_refused_like_any_wrong_ones(
    simulator: TwilioSimulator,
) -> None:
    with LoopbackServer(simulator.app()) as api:
        url = api.base_url + MESSAGES_PATH.format(account_sid=simulator.account_sid)
        for user in ["é", simulator.account_sid]:
            credentials = base64.b64encode(f"{user}:wrong-token".encode()).decode()
            answer = requests.post(
                url, headers={"Authorization": f"Basic {credentials}"}, data={}, timeout=10
            )
            assert answer.status_code == 401, answer.text
