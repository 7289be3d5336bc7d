"""Every error is a problem document; bad input answers 4xx, changes nothing, never 5xx."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from flask.testing import FlaskClient

from adapters.inbound.http import HttpHandlers, create_http_app
from domain.messages import Message
from tests.http.session import PUBLIC_URL, ApiSession, assert_problem, bearer


def test_malformed_json_answers_400_and_creates_nothing(
    client: FlaskClient, alice: ApiSession
) -> None:
    answer = client.post(
        alice.url("/inboxes"),
        data=b'{"name": "Half',
        headers={**bearer(alice.token), "Content-Type": "application/json"},
    )

    problem = assert_problem(answer, 400)
    assert problem["type"].endswith("malformed-json")
    assert alice.get("/inboxes").get_json() == {"data": []}


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe\xfa", b"[" * 100_000, b"1" * 10_000, b"{'single': 'quotes'}"],
    ids=["empty", "not-utf8", "deep", "huge-integer", "python-literal"],
)
def test_bodies_that_are_not_json_answer_400(
    client: FlaskClient, alice: ApiSession, body: bytes
) -> None:
    answer = client.post(
        alice.url("/inboxes"),
        data=body,
        headers={**bearer(alice.token), "Content-Type": "application/json"},
    )

    assert_problem(answer, 400)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_declared_json_answers_415(
    client: FlaskClient, alice: ApiSession, content_type: str | None
) -> None:
    headers = bearer(alice.token)
    if content_type:
        headers["Content-Type"] = content_type

    answer = client.post(alice.url("/inboxes"), data=b'{"name": "x"}', headers=headers)

    problem = assert_problem(answer, 415)
    assert problem["type"].endswith("unsupported-media-type")
    assert alice.get("/inboxes").get_json() == {"data": []}


def test_a_json_subtype_is_accepted(client: FlaskClient, alice: ApiSession) -> None:
    answer = client.post(
        alice.url("/inboxes"),
        data=b'{"name": "x", "channel": {"type": "api", "callback_url": "https://a.test"}}',
        headers={**bearer(alice.token), "Content-Type": "application/merge-patch+json"},
    )

    assert answer.status_code == 201


def test_a_body_over_one_mebibyte_answers_413(client: FlaskClient, alice: ApiSession) -> None:
    name = "n" * (1024 * 1024)

    answer = alice.post("/inboxes", {"name": name, "channel": {"type": "api"}})

    assert_problem(answer, 413)
    assert alice.get("/inboxes").get_json() == {"data": []}


def test_a_body_just_under_the_limit_is_read(alice: ApiSession) -> None:
    answer = alice.post("/inboxes", {"name": "n" * (1000 * 1000)})

    # Read and validated (the name is too long and the channel missing), not refused unread.
    problem = assert_problem(answer, 422)
    assert {e["field"] for e in problem["errors"]} == {"name", "channel"}


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_a_body_that_is_not_an_object_answers_422(
    client: FlaskClient, alice: ApiSession, body: bytes
) -> None:
    answer = client.post(
        alice.url("/inboxes"),
        data=body,
        headers={**bearer(alice.token), "Content-Type": "application/json"},
    )

    problem = assert_problem(answer, 422)
    assert {"field": "body", "message": "must be an object"} in problem["errors"]


def test_unknown_routes_and_methods_are_problems_too(
    client: FlaskClient, alice: ApiSession
) -> None:
    missing = client.get("/api/v2/everything")
    wrong_method = client.delete(alice.url("/inboxes"), headers=bearer(alice.token))

    assert assert_problem(missing, 404)["type"] == "about:blank"
    assert assert_problem(wrong_method, 405)["title"] == "Method Not Allowed"
    assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_an_unexpected_error_is_a_500_problem_that_names_no_internals(
    handlers: HttpHandlers, alice: ApiSession, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(account_id: str, conversation_id: str, body: object) -> Message:
        raise RuntimeError("connection to db.internal:5432 refused")

    app = create_http_app(dataclasses.replace(handlers, send_message=broken), public_url=PUBLIC_URL)
    caplog.set_level(logging.ERROR, logger="channelhub.http")

    answer = app.test_client().post(
        alice.url("/conversations/c/messages"), json={"content": "x"}, headers=bearer(alice.token)
    )

    problem = assert_problem(answer, 500)
    text = answer.get_data(as_text=True)
    assert "RuntimeError" not in text and "db.internal" not in text
    assert problem["type"].endswith("internal-error")
    # The operator still learns what happened.
    assert any(r.exc_info and "db.internal" in str(r.exc_info[1]) for r in caplog.records)
