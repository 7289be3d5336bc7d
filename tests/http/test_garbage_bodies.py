"""Whatever arrives in a body, every POST and PATCH route answers below 500."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.inbound.http import HttpHandlers, create_http_app
from adapters.outbound.in_memory.media import InMemoryMediaStore
from application.media import MediaLinks, ServeMedia
from tests.http.fakes import MovableClock
from tests.http.session import (
    ADMIN_TOKEN,
    PUBLIC_URL,
    ApiSession,
    api_signature,
    bearer,
    webhook_path,
)

# Every field name any route knows, so that generated objects reach deep validation paths.
FIELDS = [
    "name", "channel", "type", "callback_url", "hmac_secret", "verify_token", "label", "status",
    "inbox_id", "contact", "source_id", "phone_number", "email", "message", "content",
    "attachments", "url", "file_type", "file_name", "template", "language", "parameters",
    "provider_params", "content_attributes", "in_reply_to", "buttons", "id", "title", "event",
    "sender", "message_id", "error", "timestamp",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["api", "windowed", "open", "image", "https://x.test", "", "message"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=6),
    ),
    max_leaves=25,
)
json_bodies = values.map(lambda v: json.dumps(v).encode())
raw_bodies = st.binary(max_size=200)
bodies = st.one_of(json_bodies, json_bodies, raw_bodies)
content_types = st.sampled_from(["application/json", "text/plain", "application/json", ""])


@pytest.fixture
def targets(client: FlaskClient, alice: ApiSession) -> list[tuple[str, str, dict[str, str]]]:
    api_inbox = alice.create_api_inbox()
    windowed = alice.create_windowed_inbox()
    conversation = alice.start_conversation(api_inbox["id"], "u-1")
    account = bearer(alice.token)
    return [
        ("POST", "/api/v1/accounts", bearer(ADMIN_TOKEN)),
        ("POST", alice.url("/inboxes"), account),
        ("PATCH", alice.url(f"/inboxes/{api_inbox['id']}"), account),
        ("PATCH", alice.url(f"/inboxes/{windowed['id']}"), account),
        ("POST", alice.url("/conversations"), account),
        ("PATCH", alice.url(f"/conversations/{conversation['id']}"), account),
        ("POST", alice.url(f"/conversations/{conversation['id']}/messages"), account),
        ("POST", webhook_path(api_inbox), {"X-Api-Secret": api_inbox["channel"]["hmac_secret"]}),
        ("POST", webhook_path(windowed), {"X-Windowed-Token": "verify-me"}),
    ]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), body=bodies, content_type=content_types)
def test_garbage_never_answers_5xx(
    app: Flask,
    client: FlaskClient,
    targets: list[tuple[str, str, dict[str, str]]],
    data: st.DataObject,
    body: bytes,
    content_type: str,
) -> None:
    method, path, headers = data.draw(st.sampled_from(targets), label="route")
    sent: dict[str, Any] = dict(headers)
    if secret := sent.pop("X-Api-Secret", None):
        # A correctly signed body reaches the parser, not just the signature check.
        sent["X-Channelhub-Signature"] = api_signature(body, secret)
    if content_type:
        sent["Content-Type"] = content_type

    answer = client.open(path, method=method, data=body, headers=sent)

    assert answer.status_code < 500, answer.get_data(as_text=True)
    if answer.status_code >= 400:
        assert answer.mimetype == "application/problem+json"


QUERY_NAMES = [
    "cursor", "limit", "status", "inbox_id", "expires", "signature", "hub.mode",
    "hub.verify_token", "hub.challenge",
]  # fmt: skip
query_values = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from(["", "open", "resolved", "100", "-1", "9999999999", "subscribe"]),
)
Query = dict[str, str]
queries = st.dictionaries(
    st.sampled_from(QUERY_NAMES) | st.text(max_size=6), query_values, max_size=3
)


@pytest.fixture
def readers(client: FlaskClient, alice: ApiSession) -> list[tuple[str, dict[str, str], Query]]:
    """GET routes, each with the query that gets a request past its first check; generated
    values replace some of it."""
    api_inbox = alice.create_api_inbox()
    windowed = alice.create_windowed_inbox()
    conversation = alice.start_conversation(api_inbox["id"], "u-1")
    account = bearer(alice.token)
    page = {"limit": "5"}
    media = {"expires": "9999999999", "signature": "0" * 64}
    handshake = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"}
    return [
        (alice.url("/inboxes"), account, page),
        (alice.url(f"/inboxes/{api_inbox['id']}"), account, {}),
        (alice.url("/contacts"), account, page),
        (alice.url("/conversations"), account, {**page, "status": "open"}),
        (alice.url(f"/conversations/{conversation['id']}"), account, {}),
        (alice.url(f"/conversations/{conversation['id']}/messages"), account, page),
        ("/media/some-attachment", {}, media),
        (webhook_path(windowed), {}, handshake),
        (webhook_path(api_inbox), {}, {}),
    ]


@pytest.fixture
def with_media(handlers: HttpHandlers, clock: MovableClock) -> FlaskClient:
    """The same app and data, also serving signed media links (an empty store)."""
    links = MediaLinks("media-key", clock)
    serving = replace(
        handlers, sign_media=links.sign, serve_media=ServeMedia(links, InMemoryMediaStore())
    )
    return create_http_app(serving, public_url=PUBLIC_URL).test_client()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), query=queries)
def test_garbage_query_strings_never_answer_5xx(
    with_media: FlaskClient,
    readers: list[tuple[str, dict[str, str], Query]],
    data: st.DataObject,
    query: Query,
) -> None:
    path, headers, usual = data.draw(st.sampled_from(readers), label="route")

    answer = with_media.get(path, query_string={**usual, **query}, headers=headers)

    assert answer.status_code < 500, answer.get_data(as_text=True)
    if answer.status_code >= 400:
        assert answer.mimetype == "application/problem+json"
