"""X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret (providers.md 1.1)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudWebhookParser
from adapters.outbound.graph_whatsapp.signature import is_valid, sign
from domain.errors import WebhookRejected
from domain.ports.webhooks import InboundRequest, IncomingMessage
from tests.channels.whatsapp.conftest import APP_SECRET, cloud_channel, fixture_body, signed

# pywa's test vector (tests/test_server.py); pywa notes the secret has since been reset.
OFFICIAL_SECRET = "1222e786b144d0e85b9f365372d93676"
OFFICIAL_BODY = (
    b'{"object":"whatsapp_business_account","entry":[{"id":"264937493375603","changes":[{"value":'
    b'{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550953877",'
    b'"phone_number_id":"277321005464405"},"contacts":[{"profile":{"name":"PyWa Tests"},'
    b'"wa_id":"972544401243"}],"messages":[{"from":"972544401243","id":"wamid.HBgMOTcyNTQ0NDAxMj'
    b'QzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA","timestamp":"1730231903","text":'
    b'{"body":"Hey there! I am using PyWa."},"type":"text"}]},"field":"messages"}]}]}'
)
OFFICIAL_SIGNATURE = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"

parser = WhatsAppCloudWebhookParser()


def test_the_official_vector_signs_and_verifies() -> None:
    assert sign(OFFICIAL_BODY, OFFICIAL_SECRET) == OFFICIAL_SIGNATURE
    channel = cloud_channel(app_secret=OFFICIAL_SECRET, phone_number_id="277321005464405")
    headers = {"X-Hub-Signature-256": OFFICIAL_SIGNATURE}
    request = InboundRequest.build("POST", "https://h.example/w", headers, OFFICIAL_BODY)
    parser.verify(request, channel)
    [message] = parser.parse(request, channel)
    assert isinstance(message, IncomingMessage)
    assert message.source_id.startswith("wamid.HBgMOTcyNTQ0NDAxMjQz")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"object":"whatsapp_business_account","entry":[]}',
            "dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756",
        ),
        # The escaped form Meta sends and the raw UTF-8 form sign differently: raw bytes only.
        (b'{"t":"\\u00e4"}', "50daf52e6a4c373be5927cf97fa1da300f00e8b4050de7aedeffdce3e532ab1a"),
        ('{"t":"ä"}'.encode(), "06fa411aed765ad4d417fb5f4e739b523235ab8ddf97c74c12dd6dc6cb93130d"),
    ],
    ids=["empty-entry", "escaped-unicode", "utf8-unicode"],
)
def test_computed_vectors(body: bytes, expected: str) -> None:
    assert sign(body, "test_app_secret") == f"sha256={expected}"
    assert is_valid(body, "test_app_secret", f"sha256={expected}")


def test_the_escaped_signature_does_not_validate_the_utf8_body() -> None:
    escaped = sign(b'{"t":"\\u00e4"}', "test_app_secret")
    assert not is_valid('{"t":"ä"}'.encode(), "test_app_secret", escaped)


def test_a_missing_header_is_rejected() -> None:
    request = InboundRequest.build("POST", "https://h.example/w", {}, fixture_body("text"))
    with pytest.raises(WebhookRejected, match="missing"):
        parser.verify(request, cloud_channel())


def test_a_wrong_secret_is_rejected() -> None:
    request = signed(fixture_body("text"), secret="someone-elses-secret")
    with pytest.raises(WebhookRejected, match="does not match"):
        parser.verify(request, cloud_channel())


def test_a_tampered_body_is_rejected() -> None:
    request = signed(fixture_body("text"))
    parser.verify(request, cloud_channel())
    tampered = replace(request, body=request.body.replace(b"shipped", b"shippet"))
    with pytest.raises(WebhookRejected):
        parser.verify(tampered, cloud_channel())


@pytest.mark.parametrize(
    "header",
    ["", "sha256=", "sha1=abc", "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"],
)
def test_malformed_headers_are_rejected(header: str) -> None:
    request = InboundRequest.build(
        "POST", "https://h.example/w", {"X-Hub-Signature-256": header}, OFFICIAL_BODY
    )
    with pytest.raises(WebhookRejected):
        parser.verify(request, cloud_channel(app_secret=OFFICIAL_SECRET))


def test_an_upper_case_digest_is_still_the_same_signature() -> None:
    upper = "sha256=" + OFFICIAL_SIGNATURE.removeprefix("sha256=").upper()
    assert is_valid(OFFICIAL_BODY, OFFICIAL_SECRET, upper)


def test_an_empty_secret_validates_nothing() -> None:
    assert not is_valid(b"{}", "", sign(b"{}", ""))


def test_a_signature_from_the_fixture_secret_passes() -> None:
    parser.verify(signed(fixture_body("batched"), APP_SECRET), cloud_channel())
