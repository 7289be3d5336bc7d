"""What a channel cannot carry, and the messaging window, answer 422 before anything is stored."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.http.fakes import MovableClock, RecordingQueue
from tests.http.session import ApiSession, assert_problem, webhook_path
from tests.http.windowed_channel import TOKEN_HEADER, windowed_body

TEMPLATE = {"template": {"name": "order_update", "language": "en", "parameters": ["42"]}}


def _incoming(client: FlaskClient, inbox: dict[str, Any], message_id: str) -> None:
    answer = client.post(
        webhook_path(inbox), data=windowed_body(message_id), headers={TOKEN_HEADER: "verify-me"}
    )
    assert answer.status_code == 200


def test_replies_close_24_hours_after_the_contacts_last_message(
    client: FlaskClient, alice: ApiSession, clock: MovableClock, queue: RecordingQueue
) -> None:
    inbox = alice.create_windowed_inbox()
    _incoming(client, inbox, "w-1")
    [conversation] = alice.get("/conversations").get_json()["data"]
    messages = f"/conversations/{conversation['id']}/messages"
    assert conversation["can_reply"] is True
    assert alice.post(messages, {"content": "inside the window"}).status_code == 201

    clock.advance(hours=24, seconds=1)
    late = alice.post(messages, {"content": "too late"})

    problem = assert_problem(late, 422)
    assert problem["type"].endswith("messaging-window-closed")
    assert alice.get(f"/conversations/{conversation['id']}").get_json()["can_reply"] is False
    contents = [m["content"] for m in alice.get(messages).get_json()["data"]]
    assert contents == ["hi", "inside the window"]
    assert len(queue.enqueued) == 1
    assert alice.post(messages, TEMPLATE).status_code == 201


def test_a_new_outbound_conversation_outside_the_window_needs_a_template(
    alice: ApiSession,
) -> None:
    inbox = alice.create_windowed_inbox()
    body = {"inbox_id": inbox["id"], "contact": {"source_id": "+155500"}}

    plain = alice.post("/conversations", {**body, "message": {"content": "hello"}})
    templated = alice.post("/conversations", {**body, "message": TEMPLATE})

    assert assert_problem(plain, 422)["type"].endswith("messaging-window-closed")
    assert templated.status_code == 201
    assert templated.get_json()["can_reply"] is False
    [conversation] = alice.get("/conversations").get_json()["data"]
    [message] = alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]
    assert message["content_type"] == "template"


def test_a_part_the_channel_cannot_carry_answers_422_naming_it(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_windowed_inbox()
    _incoming(client, inbox, "w-1")
    [conversation] = alice.get("/conversations").get_json()["data"]

    answer = alice.post(
        f"/conversations/{conversation['id']}/messages",
        {"content": "see", "attachments": [{"url": "https://f.test/a.png", "file_type": "image"}]},
    )

    problem = assert_problem(answer, 422)
    assert problem["type"].endswith("capability-missing")
    assert [e["field"] for e in problem["errors"]] == ["attachments[0].file_type"]
    assert "image" in problem["detail"]
    messages = alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]
    assert len(messages) == 1


def test_buttons_the_channel_cannot_carry_answer_422(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_windowed_inbox()
    _incoming(client, inbox, "w-1")
    [conversation] = alice.get("/conversations").get_json()["data"]

    answer = alice.post(
        f"/conversations/{conversation['id']}/messages",
        {"content": "pick", "content_attributes": {"buttons": [{"id": "a", "title": "A"}]}},
    )

    problem = assert_problem(answer, 422)
    assert [e["field"] for e in problem["errors"]] == ["content_attributes.buttons"]
