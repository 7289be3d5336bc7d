"""Twilio's form-encoded webhooks as channelhub events: SMS, MMS, WhatsApp and status callbacks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.outbound.channels.twilio import plugin
from domain.errors import MalformedWebhook
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    ContactReachabilityChanged,
    HttpReply,
    Ignored,
    InboundAttachment,
    IncomingMessage,
    Sender,
    StatusUpdate,
)
from tests.channels.twilio.conftest import (
    ACCOUNT_SID,
    fixture_fields,
    form_body,
    signed,
    signed_fixture,
    sms_channel,
    whatsapp_channel,
)

MEDIA_BASE = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages"


def parse_fixture(name: str, **changes: str | None) -> list[object]:
    fields = fixture_fields(name)
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    channel = whatsapp_channel() if name.startswith("whatsapp") else sms_channel()
    request = signed(form_body(fields))
    plugin.parser.verify(request, channel)
    return list(plugin.parser.parse(request, channel))


def test_an_sms_keys_the_contact_by_its_e164_number() -> None:
    assert parse_fixture("sms_text") == [
        IncomingMessage(
            source_id="SM1f0e2d3c4b5a69788796a5b4c3d2e1f0",
            sender=Sender(source_id="+447700900123", phone_number="+447700900123"),
            content="Hi, is my order on its way? 📦",
        )
    ]


def test_an_mms_carries_each_media_url_for_a_later_authenticated_download() -> None:
    [message] = parse_fixture("mms_two_images")
    assert isinstance(message, IncomingMessage)
    assert message.content is None
    assert message.attachments == (
        InboundAttachment(
            "image",
            f"{MEDIA_BASE}/MM2a3b4c5d6e7f8091a2b3c4d5e6f70819/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "image/jpeg",
        ),
        InboundAttachment(
            "video",
            f"{MEDIA_BASE}/MM2a3b4c5d6e7f8091a2b3c4d5e6f70819/Media/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "video/mp4",
        ),
    )


def test_a_whatsapp_sender_keeps_its_prefix_in_the_source_id_only() -> None:
    [message] = parse_fixture("whatsapp_text")
    assert message == IncomingMessage(
        source_id="SM3c4d5e6f708192a3b4c5d6e7f8091a2b",
        sender=Sender(
            source_id="whatsapp:+447700900123", name="Dana", phone_number="+447700900123"
        ),
        content="Hello from WhatsApp",
    )


def test_a_whatsapp_image_has_its_caption_as_content() -> None:
    [message] = parse_fixture("whatsapp_image")
    assert isinstance(message, IncomingMessage)
    assert (message.content, message.content_type) == ("the damaged box", "text")
    [image] = message.attachments
    assert (image.file_type, image.mime_type) == ("image", "image/jpeg")
    assert image.provider_ref and image.provider_ref.startswith(MEDIA_BASE)


def test_a_shared_location_becomes_a_location_attachment() -> None:
    [message] = parse_fixture("whatsapp_location")
    assert isinstance(message, IncomingMessage)
    assert message.content_type == "location"
    assert message.content == "Buckingham Palace, Westminster, London SW1A 1AA"
    assert message.attachments == (
        InboundAttachment(
            "location",
            extra={
                "latitude": 51.5014,
                "longitude": -0.1419,
                "name": "Buckingham Palace",
                "address": "Westminster, London SW1A 1AA",
            },
        ),
    )


def test_a_tapped_template_button_is_a_button_reply_to_the_template() -> None:
    [message] = parse_fixture("whatsapp_button")
    assert isinstance(message, IncomingMessage)
    assert (message.content_type, message.content) == ("button_reply", "Yes, deliver today")
    assert message.content_attributes == {
        "button": {"id": "confirm_yes", "title": "Yes, deliver today"}
    }
    assert message.reply_to == "MM0000aaaa1111bbbb2222cccc3333dddd"


def test_a_quoted_reply_names_the_quoted_message_and_keeps_the_forwarded_flag() -> None:
    [message] = parse_fixture("whatsapp_reply")
    assert isinstance(message, IncomingMessage)
    assert message.reply_to == "SM0000aaaa1111bbbb2222cccc3333dddd"
    assert message.content_attributes == {"forwarded": True}


def test_a_sender_without_a_phone_number_still_gets_a_contact() -> None:
    [message] = parse_fixture("sms_text", From="ACME")
    assert isinstance(message, IncomingMessage)
    assert message.sender == Sender(source_id="ACME")


def test_a_message_type_without_content_is_kept_as_unsupported() -> None:
    [message] = parse_fixture("whatsapp_text", Body="", MessageType="reaction")
    assert isinstance(message, IncomingMessage)
    assert message.content_type == "unsupported"
    assert message.content_attributes["provider_type"] == "reaction"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "status_delivered",
            StatusUpdate("SM5f0e1d2c3b4a59687786a5b4c3d2e1f0", MessageStatus.DELIVERED),
        ),
        (
            "status_undelivered",
            StatusUpdate(
                "SM5f0e1d2c3b4a59687786a5b4c3d2e1f0", MessageStatus.FAILED, "30008: Unknown error"
            ),
        ),
        (
            "whatsapp_status_read",
            StatusUpdate("SM8192a3b4c5d6e7f8091a2b3c4d5e6f70", MessageStatus.READ),
        ),
        (
            "whatsapp_status_failed",
            StatusUpdate(
                "SM8192a3b4c5d6e7f8091a2b3c4d5e6f70",
                MessageStatus.FAILED,
                "63016: Outside the 24-hour WhatsApp window: only a template may be sent",
            ),
        ),
    ],
)
def test_status_callbacks(name: str, expected: StatusUpdate) -> None:
    assert parse_fixture(name) == [expected]


def test_an_error_message_twilio_sends_is_preferred_to_the_known_title() -> None:
    [update] = parse_fixture("status_undelivered", ErrorMessage="Carrier rejected")
    assert isinstance(update, StatusUpdate)
    assert update.error == "30008: Carrier rejected"


@pytest.mark.parametrize("state", ["queued", "accepted", "scheduled", "sending"])
def test_states_before_the_carrier_are_ignored(state: str) -> None:
    [event] = parse_fixture("status_queued", MessageStatus=state, SmsStatus=state)
    assert isinstance(event, Ignored)


@pytest.mark.parametrize(
    ("name", "changes", "reason"),
    [
        ("sms_text", {"MessageSid": None, "SmsMessageSid": None, "SmsSid": None}, "MessageSid"),
        ("sms_text", {"From": ""}, "From"),
        ("mms_two_images", {"NumMedia": "two"}, "NumMedia"),
        ("mms_two_images", {"NumMedia": "11"}, "NumMedia"),
        ("mms_two_images", {"MediaUrl1": None}, "MediaUrl1"),
        ("whatsapp_location", {"Latitude": "north"}, "Latitude"),
        ("whatsapp_location", {"Longitude": "200"}, "Longitude"),
        ("status_delivered", {"MessageStatus": "teleported"}, "teleported"),
    ],
)
def test_a_body_twilio_did_not_write_is_malformed(
    name: str, changes: dict[str, str | None], reason: str
) -> None:
    with pytest.raises(MalformedWebhook, match=reason):
        parse_fixture(name, **changes)


def test_a_json_bodied_webhook_is_ignored_as_not_messaging() -> None:
    request = replace(signed_fixture("sms_text"), url="https://hub.example.com/w?bodySHA256=00")
    assert [type(e) for e in plugin.parser.parse(request, sms_channel())] == [Ignored]


def test_twilio_is_answered_with_empty_twiml_so_it_sends_nothing_itself() -> None:
    reply = plugin.parser.acknowledge(signed_fixture("sms_text"), sms_channel())
    assert reply == HttpReply(
        200, b'<?xml version="1.0" encoding="UTF-8"?><Response/>', "application/xml"
    )


def test_there_is_no_handshake() -> None:
    assert plugin.parser.handshake(signed_fixture("sms_text"), sms_channel()) is None


@pytest.mark.parametrize(
    ("body", "reachable"),
    [("STOP", False), (" unsubscribe ", False), ("Start", True), ("UNSTOP", True)],
)
def test_an_sms_keyword_alone_says_whether_twilio_will_deliver(body, reachable) -> None:
    message, change = parse_fixture("sms_text", Body=body)
    assert isinstance(message, IncomingMessage)
    assert change == ContactReachabilityChanged(
        message.sender.source_id, reachable, None if reachable else f"sent {body.strip().upper()}"
    )


@pytest.mark.parametrize("body", ["Stop texting me", "stopped", "", "HELP"])
def test_other_texts_change_nothing(body) -> None:
    assert len(parse_fixture("sms_text", Body=body)) == 1


@pytest.mark.parametrize(
    ("body", "opt_out_type", "reachable"),
    [("ARRET", "STOP", False), ("stopp", "stop", False), ("ALLEZ", "START", True)],
)
def test_advanced_opt_out_says_which_custom_keyword_matched(body, opt_out_type, reachable) -> None:
    message, change = parse_fixture("sms_text", Body=body, OptOutType=opt_out_type)
    assert change == ContactReachabilityChanged(
        message.sender.source_id, reachable, None if reachable else f"sent {body.upper()}"
    )


def test_what_twilio_says_it_matched_decides_over_the_text() -> None:
    assert len(parse_fixture("sms_text", Body="STOP", OptOutType="HELP")) == 1


def test_whatsapp_has_no_keyword_opt_out() -> None:
    assert len(parse_fixture("whatsapp_text", Body="STOP")) == 1
