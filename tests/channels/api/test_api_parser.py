"""The api channel's inbound wire format (CONTRACT.md section 5), beyond the shared contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.outbound.channels.api import ApiWebhookParser, plugin
from adapters.outbound.channels.api.signature import sign
from domain.channels import Channel
from domain.errors import MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    Ignored,
    InboundAttachment,
    InboundRequest,
    IncomingMessage,
    Sender,
    StatusUpdate,
)

SECRET = "shared-secret"
parser = ApiWebhookParser()
CHANNEL, _ = plugin.build_channel({"callback_url": "https://b.example/cb", "hmac_secret": SECRET})


def request(payload: Any, signature: str | None = None) -> InboundRequest:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    headers["X-Channelhub-Signature"] = signature or sign(body, SECRET)
    return InboundRequest.build("POST", "https://ch.example/webhooks/api/k", headers, body)


def parse(payload: Any) -> list[Any]:
    return parser.parse(request(payload), CHANNEL)


def test_a_full_message_event() -> None:
    [event] = parse(
        {
            "event": "message",
            "message": {
                "id": "m-1",
                "content": "hi",
                "attachments": [{"url": "https://files.example/a.png", "file_type": "image"}],
                "in_reply_to": "out-7",
                "timestamp": "2025-03-01T12:00:00+01:00",
            },
            "sender": {
                "id": "u-1",
                "name": "Ada",
                "email": "ada@example.com",
                "phone_number": "+1",
            },
        }
    )
    assert event == IncomingMessage(
        source_id="m-1",
        sender=Sender("u-1", name="Ada", phone_number="+1", email="ada@example.com"),
        content="hi",
        attachments=(InboundAttachment("image", provider_ref="https://files.example/a.png"),),
        reply_to="out-7",
        timestamp=datetime(2025, 3, 1, 11, 0, tzinfo=UTC),
    )


def test_numeric_ids_and_unix_times_are_accepted() -> None:
    [event] = parse(
        {
            "event": "message",
            "message": {"id": 17, "content": "hi", "timestamp": 1740830400},
            "sender": {"id": 42},
        }
    )
    assert (event.source_id, event.sender.source_id) == ("17", "42")
    assert event.timestamp == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_an_attachment_without_text_is_a_message() -> None:
    [event] = parse(
        {
            "event": "message",
            "message": {"id": "m", "attachments": [{"url": "u", "file_type": "file"}]},
            "sender": {"id": "u"},
        }
    )
    assert event.content is None
    assert [a.file_type for a in event.attachments] == ["file"]


@pytest.mark.parametrize("status", ["delivered", "read", "failed"])
def test_status_events(status: str) -> None:
    [event] = parse({"event": "status", "message_id": "sim-1", "status": status, "error": "x"})
    assert event == StatusUpdate("sim-1", MessageStatus(status), error="x")


def test_an_unknown_event_is_ignored_not_refused() -> None:
    [event] = parse({"event": "typing", "sender": {"id": "u"}})
    assert isinstance(event, Ignored)
    assert "typing" in event.reason


def _message(**message: Any) -> dict[str, Any]:
    return {"event": "message", "message": {"id": "m", **message}, "sender": {"id": "u"}}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        ([], "must be a JSON object"),
        ({"message": {}}, '"event" must be a string'),
        ({"event": "message", "sender": {"id": "u"}}, "message must be a JSON object"),
        ({"event": "message", "message": {"id": "m", "content": "x"}}, "sender must be"),
        (_message(content="x") | {"sender": {"name": "no id"}}, "sender.id must be"),
        (_message(content="x") | {"sender": {"id": True}}, "sender.id must be"),
        ({"event": "message", "message": {"content": "x"}, "sender": {"id": "u"}}, "message.id"),
        (_message(content=5), "message.content must be a string"),
        (_message(), "needs a content or at least one attachment"),
        (_message(content=""), "needs a content or at least one attachment"),
        (_message(content="x", attachments={}), "message.attachments must be an array"),
        (_message(attachments=[{"file_type": "image"}]), "attachments[0].url"),
        (_message(attachments=[{"url": "u", "file_type": "doc"}]), "attachments[0].file_type"),
        (_message(content="x", timestamp="2025-03-01T12:00:00"), "message.timestamp"),
        (_message(content="x", timestamp=1e300), "message.timestamp"),
        (_message(content="x", timestamp=True), "message.timestamp"),
        (_message(content="x", in_reply_to=[]), "message.in_reply_to"),
        ({"event": "status", "message_id": "m", "status": "sent"}, "status must be one of"),
        ({"event": "status", "status": "read"}, "message_id must be"),
        ({"event": "status", "message_id": "m", "status": "read", "error": 1}, "error must be"),
    ],
)
def test_malformed_payloads_say_what_is_wrong(payload: Any, reason: str) -> None:
    with pytest.raises(MalformedWebhook) as caught:
        parse(payload)
    assert reason in str(caught.value)


def test_the_signature_is_hex_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"event":"status","message_id":"m","status":"read"}'
    # Computed with: printf %s "$body" | openssl dgst -sha256 -hmac shared-secret
    digest = "9184273c676f795a4b87b33ab5f3d04963bee6ec9c4986e2124553873ba96c54"
    assert sign(body, SECRET) == f"sha256={digest}"
    parser.verify(request(body, f"sha256={digest}"), CHANNEL)
    parser.verify(request(body, f"sha256={digest.upper()}"), CHANNEL)


@pytest.mark.parametrize(
    "signature", ["", "sha256=", "sha1=abc", "sha256=zz", "sha256=" + "0" * 64, "é"]
)
def test_a_garbled_signature_is_rejected(signature: str) -> None:
    body = b'{"event":"status","message_id":"m","status":"read"}'
    req = InboundRequest.build("POST", "u", {"X-Channelhub-Signature": signature}, body)
    with pytest.raises(WebhookRejected):
        parser.verify(req, CHANNEL)


def test_a_channel_without_a_secret_accepts_nothing() -> None:
    body = b"{}"
    unkeyed = Channel("api", {"callback_url": "https://b.example/cb", "hmac_secret": ""})
    with pytest.raises(WebhookRejected):
        parser.verify(request(body, sign(body, "")), unkeyed)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_parse_raises_nothing_but_malformed_on_any_bytes(body: bytes) -> None:
    try:
        events = parse(body)
    except MalformedWebhook:
        return
    assert len(events) == 1
