"""Bearer tokens, the admin token's one right, and the wall between accounts."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.http.session import ADMIN_TOKEN, ApiSession, assert_problem, bearer

ACCOUNT_ROUTES = [
    ("GET", "/inboxes"),
    ("POST", "/inboxes"),
    ("GET", "/conversations"),
    ("POST", "/conversations"),
    ("GET", "/contacts"),
]


def test_the_admin_creates_an_account_whose_token_then_works(client: FlaskClient) -> None:
    answer = client.post("/api/v1/accounts", json={"name": "Acme"}, headers=bearer(ADMIN_TOKEN))

    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"id", "name", "api_token"}
    assert body["name"] == "Acme"
    inboxes = client.get(
        f"/api/v1/accounts/{body['id']}/inboxes", headers=bearer(body["api_token"])
    )
    assert inboxes.status_code == 200
    assert inboxes.get_json() == {"data": []}


def test_an_invalid_account_name_answers_422_naming_the_fields(client: FlaskClient) -> None:
    answer = client.post(
        "/api/v1/accounts", json={"name": 7, "plan": "gold"}, headers=bearer(ADMIN_TOKEN)
    )

    problem = assert_problem(answer, 422)
    assert {e["field"] for e in problem["errors"]} == {"name", "plan"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "unknown", "other-scheme", "empty"],
)
@pytest.mark.parametrize(("method", "suffix"), ACCOUNT_ROUTES)
def test_requests_without_a_valid_token_answer_401(
    client: FlaskClient, alice: ApiSession, headers: dict[str, str], method: str, suffix: str
) -> None:
    answer = client.open(alice.url(suffix), method=method, json={}, headers=headers)

    problem = assert_problem(answer, 401)
    assert problem["type"].endswith("unauthorized")
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_creating_an_account_needs_a_token(client: FlaskClient) -> None:
    answer = client.post("/api/v1/accounts", json={"name": "Acme"})

    assert_problem(answer, 401)


@pytest.mark.parametrize(("method", "suffix"), ACCOUNT_ROUTES)
def test_the_admin_token_may_not_touch_an_accounts_resources(
    client: FlaskClient, alice: ApiSession, method: str, suffix: str
) -> None:
    answer = client.open(
        alice.url(suffix), method=method, json={"name": "x"}, headers=bearer(ADMIN_TOKEN)
    )

    assert_problem(answer, 403)


def test_an_account_token_may_not_create_accounts(client: FlaskClient, alice: ApiSession) -> None:
    answer = client.post("/api/v1/accounts", json={"name": "Mine"}, headers=bearer(alice.token))

    assert_problem(answer, 403)


@pytest.mark.parametrize(("method", "suffix"), ACCOUNT_ROUTES)
def test_another_accounts_id_answers_404_like_a_missing_one(
    client: FlaskClient, alice: ApiSession, bob: ApiSession, method: str, suffix: str
) -> None:
    alice.create_api_inbox()
    as_bob = ApiSession(client, alice.account_id, bob.token)
    nobody = ApiSession(client, "no-such-account", bob.token)

    foreign = client.open(as_bob.url(suffix), method=method, json={}, headers=bearer(bob.token))
    missing = client.open(nobody.url(suffix), method=method, json={}, headers=bearer(bob.token))

    assert assert_problem(foreign, 404) == assert_problem(missing, 404)


def test_another_accounts_inbox_and_conversation_ids_answer_404(
    alice: ApiSession, bob: ApiSession
) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "c-1")
    conversation_path = f"/conversations/{conversation['id']}"

    answers = [
        bob.get(f"/inboxes/{inbox['id']}"),
        bob.patch(f"/inboxes/{inbox['id']}", {"name": "Mine now"}),
        bob.get(conversation_path),
        bob.patch(conversation_path, {"status": "resolved"}),
        bob.get(f"{conversation_path}/messages"),
        bob.post(f"{conversation_path}/messages", {"content": "sneaky"}),
    ]

    for answer in answers:
        assert_problem(answer, 404)
    assert alice.get(f"/inboxes/{inbox['id']}").get_json()["name"] == "Backend"
    assert alice.get(conversation_path).get_json()["status"] == "open"
    assert len(alice.get(f"{conversation_path}/messages").get_json()["data"]) == 1
    assert bob.get("/conversations").get_json()["data"] == []
    assert bob.get("/contacts").get_json()["data"] == []


def test_starting_a_conversation_in_another_accounts_inbox_is_refused(
    alice: ApiSession, bob: ApiSession
) -> None:
    inbox = alice.create_api_inbox()

    answer = bob.post(
        "/conversations",
        {"inbox_id": inbox["id"], "contact": {"source_id": "x"}, "message": {"content": "hi"}},
    )

    problem = assert_problem(answer, 422)
    assert [e["field"] for e in problem["errors"]] == ["inbox_id"]
    assert alice.get("/conversations").get_json()["data"] == []
