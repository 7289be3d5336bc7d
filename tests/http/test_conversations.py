"""Conversations, messages and contacts: shapes, status changes and filters."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.http.fakes import MovableClock, RecordingQueue
from tests.http.session import ApiSession, api_message, assert_problem, post_signed

MESSAGE_KEYS = {
    "id",
    "conversation_id",
    "message_type",
    "content",
    "content_type",
    "status",
    "source_id",
    "external_error",
    "attachments",
    "content_attributes",
    "created_at",
}


def test_starting_a_conversation_answers_it_with_its_contact(
    alice: ApiSession, queue: RecordingQueue
) -> None:
    inbox = alice.create_api_inbox()

    answer = alice.post(
        "/conversations",
        {
            "inbox_id": inbox["id"],
            "contact": {"source_id": "u-42", "name": "Ana", "email": "ana@example.test"},
            "message": {"content": "Your order shipped"},
        },
    )

    assert answer.status_code == 201
    conversation = answer.get_json()
    assert conversation == {
        "id": conversation["id"],
        "inbox_id": inbox["id"],
        "contact": {
            "id": conversation["contact"]["id"],
            "name": "Ana",
            "phone_number": None,
            "email": "ana@example.test",
            "identifier": None,
            "created_at": "2026-01-05T09:00:00.000Z",
        },
        "status": "open",
        "can_reply": True,
        "last_activity_at": "2026-01-05T09:00:00.000Z",
        "created_at": "2026-01-05T09:00:00.000Z",
    }
    assert answer.headers["Location"] == alice.url(f"/conversations/{conversation['id']}")
    assert alice.get(f"/conversations/{conversation['id']}").get_json() == conversation
    messages = alice.get(f"/conversations/{conversation['id']}/messages").get_json()
    assert [m["content"] for m in messages["data"]] == ["Your order shipped"]
    assert queue.enqueued == [messages["data"][0]["id"]]


def test_sending_a_message_answers_it_pending_and_queues_it(
    alice: ApiSession, queue: RecordingQueue, clock: MovableClock
) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "u-1")
    clock.advance(minutes=5)

    answer = alice.post(
        f"/conversations/{conversation['id']}/messages",
        {
            "content": "Here is the invoice",
            "attachments": [
                {"url": "https://files.test/inv.pdf", "file_type": "file", "file_name": "inv.pdf"}
            ],
            "content_attributes": {"buttons": [{"id": "pay", "title": "Pay now"}]},
        },
    )

    assert answer.status_code == 201
    message = answer.get_json()
    assert set(message) == MESSAGE_KEYS
    assert message["conversation_id"] == conversation["id"]
    assert message["message_type"] == "outgoing"
    assert message["status"] == "pending"
    assert message["content"] == "Here is the invoice"
    assert message["content_type"] == "text"
    assert message["source_id"] is None
    assert message["external_error"] is None
    assert message["content_attributes"] == {"buttons": [{"id": "pay", "title": "Pay now"}]}
    assert message["created_at"] == "2026-01-05T09:05:00.000Z"
    [attachment] = message["attachments"]
    assert attachment == {
        "id": attachment["id"],
        "file_type": "file",
        "url": "https://files.test/inv.pdf",
        "mime_type": None,
        "file_name": "inv.pdf",
        "size": None,
        "status": "ready",
    }
    assert queue.enqueued[-1] == message["id"]
    listed = alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]
    assert listed[-1] == message
    refreshed = alice.get(f"/conversations/{conversation['id']}").get_json()
    assert refreshed["last_activity_at"] == "2026-01-05T09:05:00.000Z"


def test_an_invalid_message_answers_422_and_nothing_is_queued(
    alice: ApiSession, queue: RecordingQueue
) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "u-1")
    before = list(queue.enqueued)

    answer = alice.post(
        f"/conversations/{conversation['id']}/messages",
        {"attachments": [{"url": "ftp://x", "file_type": "hologram"}], "mood": "happy"},
    )

    problem = assert_problem(answer, 422)
    assert {e["field"] for e in problem["errors"]} == {
        "mood",
        "attachments[0].url",
        "attachments[0].file_type",
    }
    assert queue.enqueued == before
    assert len(alice.get(f"/conversations/{conversation['id']}/messages").get_json()["data"]) == 1


def test_patching_the_status_changes_it_and_the_filter_sees_it(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()
    first = alice.start_conversation(inbox["id"], "u-1")
    second = alice.start_conversation(inbox["id"], "u-2")

    answer = alice.patch(f"/conversations/{first['id']}", {"status": "resolved"})

    assert answer.status_code == 200
    assert answer.get_json() == {**first, "status": "resolved"}
    resolved = alice.get("/conversations", status="resolved").get_json()["data"]
    open_ = alice.get("/conversations", status="open").get_json()["data"]
    assert [c["id"] for c in resolved] == [first["id"]]
    assert [c["id"] for c in open_] == [second["id"]]
    pending = alice.patch(f"/conversations/{first['id']}", {"status": "pending"})
    assert pending.get_json()["status"] == "pending"


def test_an_invalid_status_answers_422(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "u-1")

    bad_value = alice.patch(f"/conversations/{conversation['id']}", {"status": "archived"})
    bad_filter = alice.get("/conversations", status="archived")

    assert [e["field"] for e in assert_problem(bad_value, 422)["errors"]] == ["status"]
    assert [e["field"] for e in assert_problem(bad_filter, 422)["errors"]] == ["status"]
    assert alice.get(f"/conversations/{conversation['id']}").get_json()["status"] == "open"


def test_conversations_filter_by_inbox(alice: ApiSession) -> None:
    one, two = alice.create_api_inbox("One"), alice.create_api_inbox("Two")
    in_one = alice.start_conversation(one["id"], "u-1")
    alice.start_conversation(two["id"], "u-2")

    listed = alice.get("/conversations", inbox_id=one["id"]).get_json()

    assert [c["id"] for c in listed["data"]] == [in_one["id"]]
    assert listed["next_cursor"] is None


def test_contacts_are_listed_and_searched(alice: ApiSession, clock: MovableClock) -> None:
    inbox = alice.create_api_inbox()
    for source_id, name in (("u-1", "Ana Lima"), ("u-2", "Bruno Costa")):
        alice.post(
            "/conversations",
            {
                "inbox_id": inbox["id"],
                "contact": {"source_id": source_id, "name": name},
                "message": {"content": "hi"},
            },
        )
        clock.advance(minutes=1)

    everyone = alice.get("/contacts").get_json()
    found = alice.get("/contacts", q="bruno").get_json()

    assert {c["name"] for c in everyone["data"]} == {"Ana Lima", "Bruno Costa"}
    assert set(everyone["data"][0]) == {
        "id",
        "name",
        "phone_number",
        "email",
        "identifier",
        "created_at",
    }
    assert [c["name"] for c in found["data"]] == ["Bruno Costa"]
    assert found["next_cursor"] is None


def test_unknown_conversations_answer_404(alice: ApiSession) -> None:
    assert_problem(alice.get("/conversations/nope"), 404)
    assert_problem(alice.patch("/conversations/nope", {"status": "open"}), 404)
    assert_problem(alice.get("/conversations/nope/messages"), 404)
    assert_problem(alice.post("/conversations/nope/messages", {"content": "x"}), 404)


def test_read_receipts_on_a_channel_without_them_answer_422(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox("Backend")
    post_signed(client, inbox, api_message("m-1", "u-1", "hi"))
    conversation = alice.get("/conversations").get_json()["data"][0]
    answer = alice.post(f"/conversations/{conversation['id']}/read", {})
    assert answer.status_code == 422
    assert answer.get_json()["type"].endswith("capability-missing")
