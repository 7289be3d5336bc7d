"""Meta's GET handshake, and payloads that are verified but cannot be read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.contracts.webhook_parser import EVENT_TYPES, mutations
from adapters.outbound.channels.whatsapp_360dialog import plugin as dialog360_plugin
from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudWebhookParser
from domain.errors import MalformedWebhook, WebhookRejected
from domain.ports.webhooks import HttpReply, Ignored, InboundRequest
from tests.channels.whatsapp.conftest import (
    FIXTURES,
    WEBHOOK_URL,
    cloud_channel,
    dialog360_channel,
    fixture_body,
    signed,
)

parser = WhatsAppCloudWebhookParser()


def handshake(**query: str) -> InboundRequest:
    return InboundRequest.build("GET", WEBHOOK_URL, {}, b"", query)


def test_the_handshake_echoes_the_challenge_as_plain_text() -> None:
    request = handshake(
        **{"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "verify-me"}
    )
    assert parser.handshake(request, cloud_channel()) == HttpReply(200, b"1158201444", "text/plain")


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.challenge": "1", "hub.verify_token": "verify-me"},
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me"},
        {},
    ],
    ids=["wrong-token", "no-token", "wrong-mode", "no-challenge", "nothing"],
)
def test_a_handshake_that_does_not_match_is_rejected(query: dict[str, str]) -> None:
    with pytest.raises(WebhookRejected):
        parser.handshake(handshake(**query), cloud_channel())


def envelope(value: Any) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def text_value(**message: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"from": "447700900123", "id": "wamid.X", "type": "text"}
    base.update(timestamp="1767225600", text={"body": "hi"})
    return {
        "metadata": {"phone_number_id": "200000000000002"},
        "messages": [{**base, **message}],
    }


MALFORMED: dict[str, Any] = {
    "not-json": b"{nope",
    "not-an-object": [1, 2],
    "no-object": {"entry": []},
    "entry-not-array": {"object": "whatsapp_business_account", "entry": {}},
    "change-without-value": {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages"}]}],
    },
    "no-metadata": envelope({"messages": []}),
    "messages-not-array": envelope(
        {"metadata": {"phone_number_id": "200000000000002"}, "messages": {}}
    ),
    "message-without-id": envelope(text_value(id=None)),
    "message-without-from": envelope(text_value(**{"from": 12})),
    "timestamp-not-unix": envelope(text_value(timestamp="2026-01-01")),
    "text-body-not-string": envelope(text_value(text={"body": 5})),
    "text-missing": envelope(text_value(text=None)),
    "latitude-not-number": envelope(
        text_value(type="location", location={"latitude": "51", "longitude": 0})
    ),
    "reaction-without-target": envelope(text_value(type="reaction", reaction={"emoji": "x"})),
    "media-without-id": envelope(text_value(type="image", image={"mime_type": "image/png"})),
    "status-without-id": envelope(
        {"metadata": {"phone_number_id": "200000000000002"}, "statuses": [{"status": "read"}]}
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_unreadable_shapes_are_malformed_webhooks_and_nothing_else(name: str) -> None:
    payload = MALFORMED[name]
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with pytest.raises(MalformedWebhook):
        parser.parse(signed(body), cloud_channel())


def test_another_products_webhook_is_ignored() -> None:
    body = json.dumps({"object": "page", "entry": []}).encode()
    assert parser.parse(signed(body), cloud_channel()) == [
        Ignored("webhook object 'page' is not WhatsApp")
    ]


def test_a_message_of_another_number_is_not_read_at_all() -> None:
    # A payload for another inbox's number is that inbox's to judge, even if it is odd.
    value = text_value(id=None)
    value["metadata"] = {"phone_number_id": "999"}
    assert parser.parse(signed(json.dumps(envelope(value)).encode()), cloud_channel()) == []


FIXTURE_DOCS = [json.loads(fixture_body(p.stem)) for p in sorted(FIXTURES.glob("*.json"))]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_near_misses_of_every_recorded_payload_are_events_or_malformed(data: Any) -> None:
    doc = data.draw(st.sampled_from(FIXTURE_DOCS), label="fixture")
    body = json.dumps(data.draw(mutations(doc), label="mutated")).encode()
    for channel_parser, channel in (
        (parser, cloud_channel()),
        (dialog360_plugin.parser, dialog360_channel()),
    ):
        try:
            events = channel_parser.parse(signed(body), channel)
        except MalformedWebhook:
            continue
        assert all(isinstance(e, EVENT_TYPES) for e in events)
