"""`X-Twilio-Signature`: twilio-python's official vectors, its port variants, duplicate
parameters, the JSON `bodySHA256` variant, and a request that came through a proxy."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from adapters.outbound.channels.twilio import plugin
from adapters.outbound.channels.twilio.signature import body_hash, compute_signature, is_valid
from domain.errors import WebhookRejected
from domain.ports.webhooks import InboundRequest
from tests.channels.twilio.conftest import (
    AUTH_TOKEN,
    WEBHOOK_URL,
    fixture_fields,
    form_body,
    signed,
    sms_channel,
)

# twilio/twilio-python tests/unit/test_request_validator.py
TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
JSON_BODY = b'{"property": "value", "boolean": true}'
JSON_BODY_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"


def request_to(url: str, signature: str, body: bytes | None = None) -> InboundRequest:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return InboundRequest.build("POST", url, headers, form_body(PARAMS) if body is None else body)


def verify(request: InboundRequest, token: str = TOKEN) -> None:
    plugin.parser.verify(request, sms_channel(auth_token=token))


def test_the_official_signature_of_url_and_sorted_parameters() -> None:
    assert compute_signature(URL, PARAMS.items(), TOKEN) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    verify(request_to(URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="))


@pytest.mark.parametrize(
    ("url", "signature"),
    [
        # Signed with the default port added, received without it.
        (URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        # Signed with the port, received with it.
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
        # Signed without the port, received with one.
        ("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        # Computed here from the algorithm, not an official vector: plain http, no port.
        ("http://mycompany.com/myapp.php?foo=1&bar=2", "OyGYPqTF6ztdbRNCvuQO/oPvqQ4="),
    ],
)
def test_the_port_variants_twilio_python_accepts(url: str, signature: str) -> None:
    verify(request_to(url, signature))


def test_a_port_that_is_neither_the_signed_one_nor_absent_is_refused() -> None:
    with pytest.raises(WebhookRejected):
        verify(
            request_to(
                "http://mycompany.com:8080/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="
            )
        )


@pytest.mark.parametrize(
    "pairs",
    [
        [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")],
        [
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ],
    ],
    ids=["two-values", "a-value-repeated"],
)
def test_repeated_parameters_are_signed_value_by_value_in_order(
    pairs: list[tuple[str, str]],
) -> None:
    assert compute_signature(URL, pairs, TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    verify(request_to(URL, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", form_body(pairs)))


def test_a_json_body_is_bound_by_its_hash_in_the_signed_url() -> None:
    assert body_hash(JSON_BODY) == JSON_BODY_HASH
    url = f"{URL}&bodySHA256={JSON_BODY_HASH}"
    request = InboundRequest.build(
        "POST",
        url,
        {"Content-Type": "application/json", "X-Twilio-Signature": "a9nBmqA0ju/hNViExpshrM61xv4="},
        JSON_BODY,
    )
    verify(request)
    with pytest.raises(WebhookRejected):
        verify(replace(request, body=JSON_BODY.replace(b"true", b"false")))


def test_a_request_behind_a_proxy_is_checked_against_the_public_url() -> None:
    # Twilio called the public https URL; the proxy passed it on over http to another host and
    # port. channelhub builds `request.url` from CHANNELHUB_PUBLIC_URL, the parser reads only it.
    body = form_body(fixture_fields("sms_text"))
    proxied = {"Host": "10.0.0.7:8000", "X-Forwarded-Proto": "http", "X-Forwarded-For": "54.1.2.3"}
    request = signed(body, url=WEBHOOK_URL, headers=proxied)
    plugin.parser.verify(request, sms_channel())
    # What the app itself would see signs nothing Twilio made.
    internal = "http://10.0.0.7:8000/webhooks/twilio/k3y"
    with pytest.raises(WebhookRejected):
        plugin.parser.verify(signed(body, url=WEBHOOK_URL, signed_url=internal), sms_channel())


def test_every_parameter_counts_including_ones_channelhub_does_not_read() -> None:
    fields = fixture_fields("sms_text")
    request = signed(form_body(fields))
    added = replace(request, body=form_body({**fields, "AddOns": "{}"}))
    with pytest.raises(WebhookRejected):
        plugin.parser.verify(added, sms_channel())


@pytest.mark.parametrize(
    "change",
    [
        {"url": WEBHOOK_URL + "?x=1"},
        {"url": WEBHOOK_URL.replace("https", "http")},
        {"url": WEBHOOK_URL.replace("k3y", "other")},
        {"token": "another-token"},
    ],
    ids=["query", "scheme", "path", "token"],
)
def test_a_signature_for_another_url_or_token_is_refused(change: dict[str, str]) -> None:
    body = form_body(fixture_fields("sms_text"))
    request = signed(
        body, signed_url=change.get("url", WEBHOOK_URL), token=change.get("token", AUTH_TOKEN)
    )
    with pytest.raises(WebhookRejected):
        plugin.parser.verify(request, sms_channel())


def test_a_missing_signature_or_a_body_that_is_not_utf8_is_refused() -> None:
    request = signed(form_body(fixture_fields("sms_text")))
    with pytest.raises(WebhookRejected, match="missing"):
        plugin.parser.verify(replace(request, headers={}), sms_channel())
    assert not is_valid(
        WEBHOOK_URL, b"Body=\xff\xfe", request.headers["x-twilio-signature"], AUTH_TOKEN
    )


def test_a_refusal_logs_the_url_it_checked_but_never_the_token_or_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = form_body(fixture_fields("sms_text"))
    url = WEBHOOK_URL + "?tenant=acme"
    request = signed(
        body, url=url, signed_url="http://10.0.0.7:8000/webhooks/twilio/k3y?tenant=acme"
    )
    with caplog.at_level(logging.WARNING), pytest.raises(WebhookRejected):
        plugin.parser.verify(request, sms_channel())
    [record] = [r for r in caplog.records if "twilio" in r.getMessage()]
    message = record.getMessage()
    assert "https://hub.example.com/webhooks/twilio/k3y" in message
    assert "does not match" in message
    assert "query string not shown" in message
    assert "acme" not in message
    assert AUTH_TOKEN not in message
    assert request.headers["x-twilio-signature"] not in message
