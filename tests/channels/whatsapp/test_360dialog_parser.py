"""360dialog: the Cloud envelope and the legacy flat body, and its optional secret header."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.outbound.channels.whatsapp_360dialog import WhatsApp360DialogWebhookParser, plugin
from domain.errors import InvalidInput, MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import InboundRequest, IncomingMessage, Sender, StatusUpdate
from tests.channels.whatsapp.conftest import WEBHOOK_URL, dialog360_channel, fixture_body

parser = WhatsApp360DialogWebhookParser()


def posted(body: bytes, headers: dict[str, str] | None = None) -> InboundRequest:
    return InboundRequest.build("POST", WEBHOOK_URL, headers or {}, body)


def test_the_legacy_flat_message_body_is_read() -> None:
    events = parser.parse(posted(fixture_body("flat_360dialog_message")), dialog360_channel())
    assert events == [
        IncomingMessage(
            "ABGGFlA5FpafAgo6EhFcNB9LHGXV",
            Sender("447700900123", "Dana", "+447700900123"),
            "Hello from an On-Premise number",
            timestamp=datetime.fromtimestamp(1767229000, UTC),
        )
    ]


def test_the_legacy_flat_status_body_is_read() -> None:
    events = parser.parse(posted(fixture_body("flat_360dialog_status")), dialog360_channel())
    assert events == [
        StatusUpdate(
            "gBGGFlA5FpafAgkOuJbRq54qwbM",
            MessageStatus.DELIVERED,
            timestamp=datetime.fromtimestamp(1767229010, UTC),
        )
    ]


def test_the_cloud_envelope_is_read_whole() -> None:
    # One API key is one number: every change is this inbox's, whatever its phone_number_id.
    events = parser.parse(posted(fixture_body("two_numbers")), dialog360_channel())
    assert [getattr(e, "source_id", None) for e in events] == ["wamid.MINE1", "wamid.OTHER1"]
    assert len(parser.parse(posted(fixture_body("batched")), dialog360_channel())) == 5


@pytest.mark.parametrize("body", [b"{}", b'{"hello": 1}', b"[]", b"nope"])
def test_a_body_of_neither_shape_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedWebhook):
        parser.parse(posted(body), dialog360_channel())


def test_without_a_configured_secret_the_inbox_url_is_the_only_check() -> None:
    parser.verify(posted(fixture_body("text")), dialog360_channel())


def test_a_configured_secret_header_must_match() -> None:
    channel = dialog360_channel(webhook_header="X-Hook-Secret", webhook_secret="s3cr3t")
    parser.verify(posted(b"{}", {"X-Hook-Secret": "s3cr3t"}), channel)
    with pytest.raises(WebhookRejected, match="missing"):
        parser.verify(posted(b"{}"), channel)
    with pytest.raises(WebhookRejected, match="does not match"):
        parser.verify(posted(b"{}", {"X-Hook-Secret": "s3cr3"}), channel)


def test_the_default_secret_header_is_authorization() -> None:
    channel = dialog360_channel(webhook_secret="Bearer abc")
    parser.verify(posted(b"{}", {"Authorization": "Bearer abc"}), channel)
    with pytest.raises(WebhookRejected):
        parser.verify(posted(b"{}", {"Authorization": "Bearer abd"}), channel)


def test_there_is_no_handshake() -> None:
    assert parser.handshake(posted(b""), dialog360_channel()) is None


def test_the_secret_and_the_key_are_secret_fields() -> None:
    channel = dialog360_channel(webhook_secret="s3cr3t")
    assert channel.secret_fields == {"api_key", "webhook_secret"}
    assert "s3cr3t" not in repr(channel) and "d360-key" not in repr(channel)


@pytest.mark.parametrize(
    "config",
    [
        {"phone_number": "1555", "api_key": ""},
        {"phone_number": "", "api_key": "k"},
        {"phone_number": "1555", "api_key": "k", "webhook_header": "Bad Header"},
        {"phone_number": "1555", "api_key": "k", "api_base_url": "ftp://x"},
        {"phone_number": "1555"},
    ],
)
def test_an_invalid_config_is_refused(config: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        plugin.build_channel(config)
