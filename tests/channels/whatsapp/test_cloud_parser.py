"""Recorded-style Cloud API payloads (tests/channels/whatsapp/fixtures/) into domain events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudWebhookParser
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    Chat,
    Ignored,
    InboundAttachment,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    Sender,
    StatusUpdate,
)
from tests.channels.whatsapp.conftest import cloud_channel, fixture_body, signed

DANA = Sender("447700900123", name="Dana", phone_number="+447700900123")
parser = WhatsAppCloudWebhookParser()


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def parse(name: str) -> list[Any]:
    request = signed(fixture_body(name))
    channel = cloud_channel()
    parser.verify(request, channel)
    return parser.parse(request, channel)


def incoming(source_id: str, seconds: int, content: str | None, **fields: Any) -> IncomingMessage:
    return IncomingMessage(source_id, DANA, content, timestamp=at(seconds), **fields)


def media(file_type: str, ref: str, mime: str, **extra: Any) -> InboundAttachment:
    file_name = extra.pop("file_name", None)
    return InboundAttachment(file_type, ref, mime, file_name, extra=extra)


EXPECTED: dict[str, list[Any]] = {
    "text": [
        incoming(
            "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0VCMDQxRjE2RDA5",
            1767225600,
            "Hi, is my order shipped?",
        )
    ],
    "reply": [incoming("wamid.REPLY001", 1767225650, "Yes, that one", reply_to="wamid.OUT042")],
    "forwarded": [
        incoming(
            "wamid.FWD001",
            1767225660,
            "look at this",
            content_attributes={"frequently_forwarded": True},
        )
    ],
    "image": [
        incoming(
            "wamid.IMG001",
            1767225700,
            "receipt",
            attachments=(
                media("image", "910000000000001", "image/jpeg", sha256="q1w2e3r4t5y6u7i8o9p0"),
            ),
        )
    ],
    "audio": [
        incoming(
            "wamid.AUD001",
            1767225710,
            None,
            attachments=(media("audio", "910000000000002", "audio/mpeg", sha256="YXVkaW8="),),
        )
    ],
    "voice": [
        incoming(
            "wamid.VOI001",
            1767225720,
            None,
            attachments=(
                media(
                    "audio",
                    "910000000000003",
                    "audio/ogg; codecs=opus",
                    sha256="dm9pY2U=",
                    voice=True,
                ),
            ),
        )
    ],
    "video": [
        incoming(
            "wamid.VID001",
            1767225730,
            "unboxing",
            attachments=(media("video", "910000000000004", "video/mp4", sha256="dmlkZW8="),),
        )
    ],
    "document": [
        incoming(
            "wamid.DOC001",
            1767225740,
            "my invoice",
            attachments=(
                media(
                    "file",
                    "910000000000005",
                    "application/pdf",
                    file_name="invoice-4711.pdf",
                    sha256="ZG9j",
                ),
            ),
        )
    ],
    "sticker": [
        incoming(
            "wamid.STK001",
            1767225750,
            None,
            content_type="sticker",
            attachments=(media("sticker", "910000000000006", "image/webp", sha256="c3RpY2tlcg=="),),
        )
    ],
    "location": [
        incoming(
            "wamid.LOC001",
            1767225800,
            "Office, 1 Example St",
            content_type="location",
            attachments=(
                InboundAttachment(
                    "location",
                    extra={
                        "latitude": 51.5014,
                        "longitude": -0.1419,
                        "name": "Office",
                        "address": "1 Example St",
                        "url": "https://maps.example.com/?q=office",
                    },
                ),
            ),
        )
    ],
    "button_reply": [
        incoming(
            "wamid.BTN001",
            1767225820,
            "Yes",
            content_type="button_reply",
            reply_to="wamid.OUT050",
            content_attributes={"button": {"id": "confirm_yes", "title": "Yes"}},
        )
    ],
    "list_reply": [
        incoming(
            "wamid.LST001",
            1767225830,
            "3pm",
            content_type="button_reply",
            reply_to="wamid.OUT051",
            content_attributes={
                "button": {"id": "slot_3", "title": "3pm", "description": "Tomorrow"}
            },
        )
    ],
    "template_button": [
        incoming(
            "wamid.TPB001",
            1767225840,
            "Stop promotions",
            content_type="button_reply",
            reply_to="wamid.OUT052",
            content_attributes={"button": {"id": "STOP_PROMO", "title": "Stop promotions"}},
        )
    ],
    "reaction": [
        ReactionReceived("wamid.REACT01", DANA, "\U0001f44d", "wamid.OUT042", at(1767225900))
    ],
    "reaction_removed": [
        ReactionReceived("wamid.REACT02", DANA, "", "wamid.OUT042", at(1767225910))
    ],
    "edit": [
        MessageEdited(
            "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0VCMDQxRjE2RDA5",
            "Hi, is my order shipped yet?",
            at(1767225920),
        )
    ],
    "revoke": [MessageDeleted("wamid.IMG001", at(1767225930))],
    "unsupported": [
        incoming(
            "wamid.UNS001",
            1767225940,
            None,
            content_type="unsupported",
            content_attributes={
                "reason": "131051: Message type unknown",
                "provider_type": "unsupported",
            },
        )
    ],
    "interactive_with_error": [
        incoming(
            "wamid.IWE001",
            1767225950,
            None,
            content_type="unsupported",
            reply_to="wamid.OUT053",
            content_attributes={
                "reason": "131000: Something went wrong",
                "provider_type": "interactive",
            },
        )
    ],
    "group": [
        incoming(
            "wamid.GRP001",
            1767225960,
            "Hello everyone",
            chat=Chat("Y2FwaV9ncm91cDoxMjM0NTY3ODkw"),
        )
    ],
    "order": [
        incoming(
            "wamid.ORD001",
            1767225970,
            None,
            content_type="unsupported",
            content_attributes={
                "reason": "message type 'order' is not supported by channelhub",
                "provider_type": "order",
            },
        )
    ],
    "system": [Ignored("WhatsApp system notice wamid.SYS001 is not stored")],
    "status_sent": [StatusUpdate("wamid.OUT042", MessageStatus.SENT, None, at(1767226000))],
    "status_delivered": [
        StatusUpdate("wamid.OUT042", MessageStatus.DELIVERED, None, at(1767226010))
    ],
    "status_read": [StatusUpdate("wamid.OUT042", MessageStatus.READ, None, at(1767226020))],
    "status_failed": [
        StatusUpdate(
            "wamid.OUT043", MessageStatus.FAILED, "131047: Re-engagement message", at(1767226100)
        )
    ],
    "status_played": [Ignored("status 'played' of wamid.OUT044 is not tracked")],
    "group_status": [StatusUpdate("wamid.OUT045", MessageStatus.READ, None, at(1767226120))],
    "value_errors": [Ignored("WhatsApp reported an error: 131000: Something went wrong")],
    "account_update": [Ignored("webhook field 'account_update' is not handled")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_recorded_payload_becomes_its_events(name: str) -> None:
    assert parse(name) == EXPECTED[name]


def test_a_shared_contact_card_keeps_names_numbers_and_the_whole_card() -> None:
    [message] = parse("contacts")
    assert (message.content_type, message.content) == ("contact", "Sam Lee")
    [card] = message.attachments
    assert card.file_type == "contact"
    assert card.extra["name"] == "Sam Lee"
    assert card.extra["phone_numbers"] == ["+44 7700 900456"]
    assert card.extra["emails"] == ["sam@example.com"]
    assert card.extra["card"]["org"] == {"company": "Example Ltd"}


def test_a_batched_payload_yields_every_message_and_status_of_every_entry() -> None:
    events = parse("batched")
    assert [(type(e).__name__, e.source_id) for e in events] == [
        ("IncomingMessage", "wamid.B1"),
        ("IncomingMessage", "wamid.B2"),
        ("StatusUpdate", "wamid.OUT060"),
        ("IncomingMessage", "wamid.B3"),
        ("StatusUpdate", "wamid.OUT061"),
    ]
    assert [e.sender.name for e in events if isinstance(e, IncomingMessage)] == [
        "Dana",
        "Sam",
        "Dana",
    ]


def test_each_inbox_keeps_only_the_changes_for_its_own_number() -> None:
    request = signed(fixture_body("two_numbers"))
    mine = parser.parse(request, cloud_channel())
    theirs = parser.parse(request, cloud_channel(phone_number_id="300000000000003"))
    nobody = parser.parse(request, cloud_channel(phone_number_id="400000000000004"))
    assert [getattr(e, "source_id", None) for e in mine] == ["wamid.MINE1"]
    assert [getattr(e, "source_id", None) for e in theirs] == ["wamid.OTHER1"]
    assert nobody == []


def test_route_keys_name_every_number_a_payload_is_for() -> None:
    from adapters.outbound.channels.whatsapp_cloud import plugin

    assert plugin.route_field == "phone_number_id"
    assert plugin.route_keys is not None
    keys = plugin.route_keys(signed(fixture_body("two_numbers")))
    assert keys == ["200000000000002", "300000000000003"]
    assert plugin.route_keys(signed(fixture_body("batched"))) == ["200000000000002"]


@pytest.mark.parametrize("body", [b"", b"not json", b"[1,2]", b'{"entry": "x"}', b"\xff\xfe"])
def test_route_keys_of_an_unreadable_body_are_empty(body: bytes) -> None:
    from adapters.outbound.channels.whatsapp_cloud.parser import route_keys

    assert route_keys(signed(body)) == []
