"""Provider webhooks: verified, stored once, answered the provider's way; nothing on failure."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.inbound.http import HttpHandlers, create_http_app
from application.webhooks import WebhookOutcome
from domain.ports.webhooks import InboundRequest
from tests.http.session import (
    PUBLIC_URL,
    ApiSession,
    api_message,
    assert_problem,
    post_signed,
    webhook_path,
)
from tests.http.windowed_channel import TOKEN_HEADER, windowed_body


def _nothing_stored(session: ApiSession) -> None:
    assert session.get("/contacts").get_json()["data"] == []
    assert session.get("/conversations").get_json()["data"] == []


def test_a_signed_api_message_becomes_a_contact_conversation_and_message(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()
    body = api_message("ext-1", "user-9", "Hello there", name="Rita", email="rita@example.test")

    answer = post_signed(client, inbox, body)

    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}
    [contact] = alice.get("/contacts").get_json()["data"]
    assert (contact["name"], contact["email"]) == ("Rita", "rita@example.test")
    [conversation] = alice.get("/conversations").get_json()["data"]
    assert conversation["inbox_id"] == inbox["id"]
    assert conversation["contact"] == contact
    assert conversation["can_reply"] is True
    [message] = alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]
    assert message["message_type"] == "incoming"
    assert message["content"] == "Hello there"
    assert message["source_id"] == "ext-1"


def test_replaying_an_event_stores_it_once(client: FlaskClient, alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()
    body = api_message("ext-1", "user-9", "Hello")

    answers = [post_signed(client, inbox, body) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    [conversation] = alice.get("/conversations").get_json()["data"]
    assert len(alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Channelhub-Signature": "sha256=" + "0" * 64}, {"X-Channelhub-Signature": "junk"}],
    ids=["unsigned", "wrong-signature", "garbled"],
)
def test_a_request_failing_verification_answers_401_and_stores_nothing(
    client: FlaskClient, alice: ApiSession, headers: dict[str, str]
) -> None:
    inbox = alice.create_api_inbox()

    answer = client.post(webhook_path(inbox), data=api_message("e", "u", "hi"), headers=headers)

    problem = assert_problem(answer, 401)
    assert problem["type"].endswith("webhook-rejected")
    _nothing_stored(alice)


def test_a_body_signed_with_another_inboxs_secret_is_rejected(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox, other = alice.create_api_inbox("One"), alice.create_api_inbox("Two")
    body = api_message("e", "u", "hi")

    answer = post_signed(client, inbox, body, secret=other["channel"]["hmac_secret"])

    assert_problem(answer, 401)
    _nothing_stored(alice)


def test_a_verified_but_malformed_payload_answers_400(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()

    answer = post_signed(client, inbox, b'{"event": "message", "message": "nope"}')

    problem = assert_problem(answer, 400)
    assert problem["type"].endswith("malformed-webhook")
    _nothing_stored(alice)


def test_a_status_for_an_unknown_message_answers_200_and_changes_nothing(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()
    body = b'{"event": "status", "message_id": "never-sent", "status": "read"}'

    assert post_signed(client, inbox, body).status_code == 200
    _nothing_stored(alice)


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/api/no-such-key",
        "/webhooks/carrier-pigeon/{key}",
        "/webhooks/windowed/{key}",
    ],
    ids=["unknown-key", "unknown-type", "type-of-another-inbox"],
)
def test_unknown_webhook_targets_answer_404(
    client: FlaskClient, alice: ApiSession, path: str
) -> None:
    inbox = alice.create_api_inbox()
    key = inbox["webhook_url"].rsplit("/", 1)[1]
    body = api_message("e", "u", "hi")

    answer = client.post(path.format(key=key), data=body)

    assert_problem(answer, 404)
    _nothing_stored(alice)


def test_a_channel_without_handshake_answers_get_with_405(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()

    answer = client.get(webhook_path(inbox))

    problem = assert_problem(answer, 405)
    assert problem["type"].endswith("no-handshake")
    assert answer.headers["Allow"] == "POST"


def test_a_handshake_answers_the_providers_way(client: FlaskClient, alice: ApiSession) -> None:
    inbox = alice.create_windowed_inbox(verify_token="tok-123")
    query = {"hub.mode": "subscribe", "hub.verify_token": "tok-123", "hub.challenge": "c-777"}

    answer = client.get(webhook_path(inbox), query_string=query)

    assert answer.status_code == 200
    assert answer.get_data() == b"c-777"
    assert answer.mimetype == "text/plain"


def test_a_failed_handshake_answers_403(client: FlaskClient, alice: ApiSession) -> None:
    inbox = alice.create_windowed_inbox(verify_token="tok-123")
    query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "c"}

    answer = client.get(webhook_path(inbox), query_string=query)

    assert_problem(answer, 403)


def test_a_provider_specific_success_answer_replaces_the_json(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_windowed_inbox(verify_token="tok-123")

    answer = client.post(
        webhook_path(inbox), data=windowed_body("w-1"), headers={TOKEN_HEADER: "tok-123"}
    )

    assert answer.status_code == 200
    assert (answer.get_data(), answer.mimetype) == (b"ACK", "text/plain")
    assert len(alice.get("/conversations").get_json()["data"]) == 1


def test_the_use_case_gets_the_request_as_the_provider_made_it(handlers: HttpHandlers) -> None:
    seen: list[tuple[str, str, InboundRequest]] = []

    def receive(slug: str, key: str, request: InboundRequest) -> WebhookOutcome:
        seen.append((slug, key, request))
        return WebhookOutcome()

    app = create_http_app(
        dataclasses.replace(handlers, receive_webhook=receive), public_url=PUBLIC_URL + "/"
    )

    answer = app.test_client().post(
        "/webhooks/twilio/k3y?b=x%20y&a=1",
        data=b"Body=hi&From=%2B1555",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "s="},
    )

    assert answer.status_code == 200
    [(slug, key, request)] = seen
    assert (slug, key) == ("twilio", "k3y")
    assert request.method == "POST"
    assert request.url == f"{PUBLIC_URL}/webhooks/twilio/k3y?b=x%20y&a=1"
    assert request.body == b"Body=hi&From=%2B1555"
    assert request.headers["x-twilio-signature"] == "s="
    assert all(name == name.lower() for name in request.headers)
    assert dict(request.query) == {"b": "x y", "a": "1"}


def test_the_provider_level_url_passes_no_inbox_key(handlers: HttpHandlers) -> None:
    seen: list[tuple[str, str | None]] = []

    def receive(slug: str, key: str | None, request: InboundRequest) -> WebhookOutcome:
        seen.append((slug, key))
        return WebhookOutcome()

    def handshake(slug: str, key: str | None, request: InboundRequest) -> None:
        seen.append((slug, key))

    app = create_http_app(
        dataclasses.replace(handlers, receive_webhook=receive, answer_handshake=handshake),
        public_url=PUBLIC_URL,
    )
    assert app.test_client().post("/webhooks/whatsapp_cloud", data=b"{}").status_code == 200
    assert app.test_client().get("/webhooks/whatsapp_cloud").status_code == 405
    assert seen == [("whatsapp_cloud", None), ("whatsapp_cloud", None)]


def test_a_type_without_routing_has_no_provider_level_url(client: FlaskClient) -> None:
    answer = client.post("/webhooks/api", data=b"{}", headers={"Content-Type": "application/json"})
    assert answer.status_code == 404
    assert answer.content_type == "application/problem+json"


def test_an_oversized_webhook_answers_413_and_stores_nothing(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()
    body = api_message("e", "u", "x" * (1024 * 1024))

    assert_problem(post_signed(client, inbox, body), 413)
    _nothing_stored(alice)


def test_query_strings_never_reach_the_logs(
    app: Flask, client: FlaskClient, alice: ApiSession, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = alice.create_windowed_inbox(verify_token="hush-hush-verify-token")
    path = webhook_path(inbox)
    caplog.set_level(logging.DEBUG)
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": "hush-hush-verify-token",
        "hub.challenge": "c",
    }
    wrong = {**query, "hub.verify_token": "hush-hush-wrong-guess"}

    answers = [
        client.get(path, query_string=query),
        client.get(path, query_string=wrong),
        client.post(path, query_string=query, data=b"{}", headers={TOKEN_HEADER: "no"}),
    ]

    assert [a.status_code for a in answers] == [200, 403, 401]
    access = [r for r in caplog.records if r.name == "channelhub.access"]
    assert [(r.http_method, r.http_path, r.http_status) for r in access] == [  # type: ignore[attr-defined]
        ("GET", path, 200),
        ("GET", path, 403),
        ("POST", path, 401),
    ]
    for record in caplog.records:
        logged: dict[str, Any] = {**vars(record), "message": record.getMessage()}
        assert "hush-hush" not in repr(logged)
