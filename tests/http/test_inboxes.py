"""Inboxes: their JSON, their webhook URL, and secrets shown once and never again."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.http.session import (
    PUBLIC_URL,
    ApiSession,
    api_message,
    assert_problem,
    post_signed,
)


def test_creating_an_api_inbox_shows_the_generated_secret_once(alice: ApiSession) -> None:
    answer = alice.post(
        "/inboxes",
        {"name": "Backend", "channel": {"type": "api", "callback_url": "https://a.test/cb"}},
    )

    assert answer.status_code == 201
    inbox = answer.get_json()
    assert set(inbox) == {
        "id",
        "name",
        "channel",
        "webhook_url",
        "needs_new_credentials",
        "credentials_error",
        "webhook_error",
        "created_at",
    }
    assert (inbox["needs_new_credentials"], inbox["credentials_error"]) == (False, None)
    assert inbox["name"] == "Backend"
    assert inbox["created_at"] == "2026-01-05T09:00:00.000Z"
    secret = inbox["channel"]["hmac_secret"]
    assert len(secret) >= 32
    assert inbox["channel"] == {
        "type": "api",
        "callback_url": "https://a.test/cb",
        "hmac_secret": secret,
    }
    assert answer.headers["Location"] == alice.url(f"/inboxes/{inbox['id']}")


def test_the_webhook_url_is_public_url_type_and_an_unguessable_key(alice: ApiSession) -> None:
    first, second = alice.create_api_inbox("One"), alice.create_api_inbox("Two")

    prefix = f"{PUBLIC_URL}/webhooks/api/"
    for inbox in (first, second):
        assert inbox["webhook_url"].startswith(prefix)
        key = inbox["webhook_url"][len(prefix) :]
        assert len(key) >= 20
        assert key != inbox["id"]
    assert first["webhook_url"] != second["webhook_url"]


def test_secrets_never_appear_when_inboxes_are_read(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()
    secret = inbox["channel"]["hmac_secret"]

    one = alice.get(f"/inboxes/{inbox['id']}")
    listed = alice.get("/inboxes")

    assert one.status_code == listed.status_code == 200
    assert one.get_json() == {
        **inbox,
        "channel": {"type": "api", "callback_url": "https://app.test/cb"},
    }
    assert listed.get_json() == {"data": [one.get_json()]}
    for answer in (one, listed):
        assert secret not in answer.get_data(as_text=True)


def test_a_secret_the_caller_chose_is_not_echoed(alice: ApiSession) -> None:
    answer = alice.post(
        "/inboxes",
        {
            "name": "Mine",
            "channel": {"type": "api", "callback_url": "https://a.test", "hmac_secret": "s" * 40},
        },
    )

    assert answer.status_code == 201
    assert "hmac_secret" not in answer.get_json()["channel"]
    assert "s" * 40 not in answer.get_data(as_text=True)


def test_patch_renames_and_changes_config_keeping_the_secret(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()

    answer = alice.patch(
        f"/inboxes/{inbox['id']}",
        {"name": "Renamed", "channel": {"callback_url": "https://b.test"}},
    )

    assert answer.status_code == 200
    patched = answer.get_json()
    assert patched["name"] == "Renamed"
    assert patched["channel"] == {"type": "api", "callback_url": "https://b.test"}
    assert patched["webhook_url"] == inbox["webhook_url"]
    assert alice.get(f"/inboxes/{inbox['id']}").get_json() == patched
    # The secret shown at creation still signs webhooks: the PATCH merged, it did not replace.
    assert post_signed(client, inbox, api_message("m-1", "s-1", "hi")).status_code == 200


def test_patch_that_regenerates_the_secret_shows_the_new_one_once(
    client: FlaskClient, alice: ApiSession
) -> None:
    inbox = alice.create_api_inbox()

    answer = alice.patch(f"/inboxes/{inbox['id']}", {"channel": {"hmac_secret": ""}})

    assert answer.status_code == 200
    new_secret = answer.get_json()["channel"]["hmac_secret"]
    assert new_secret != inbox["channel"]["hmac_secret"]
    assert new_secret not in alice.get(f"/inboxes/{inbox['id']}").get_data(as_text=True)
    body = api_message("m-1", "s-1", "hi")
    assert post_signed(client, inbox, body).status_code == 401
    assert post_signed(client, inbox, body, secret=new_secret).status_code == 200


def test_patch_only_the_name_shows_no_secret(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()

    answer = alice.patch(f"/inboxes/{inbox['id']}", {"name": "Quiet"})

    assert answer.status_code == 200
    assert "hmac_secret" not in answer.get_json()["channel"]


def test_an_inbox_cannot_change_its_channel_type(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()

    answer = alice.patch(f"/inboxes/{inbox['id']}", {"channel": {"type": "windowed"}})

    problem = assert_problem(answer, 422)
    assert [e["field"] for e in problem["errors"]] == ["channel.type"]
    assert alice.get(f"/inboxes/{inbox['id']}").get_json()["channel"]["type"] == "api"


def test_invalid_inboxes_answer_422_naming_every_field(alice: ApiSession) -> None:
    missing = alice.post("/inboxes", {"color": "red"})
    unknown_type = alice.post("/inboxes", {"name": "X", "channel": {"type": "carrier-pigeon"}})
    bad_config = alice.post(
        "/inboxes", {"name": "X", "channel": {"type": "api", "callback_url": 5, "extra": 1}}
    )

    assert {e["field"] for e in assert_problem(missing, 422)["errors"]} >= {
        "name",
        "channel",
        "color",
    }
    assert [e["field"] for e in assert_problem(unknown_type, 422)["errors"]] == ["channel.type"]
    fields = {e["field"] for e in assert_problem(bad_config, 422)["errors"]}
    assert fields == {"channel.callback_url", "channel.extra"}
    assert alice.get("/inboxes").get_json() == {"data": []}


def test_an_unknown_inbox_answers_404(alice: ApiSession) -> None:
    assert_problem(alice.get("/inboxes/nope"), 404)
    assert_problem(alice.patch("/inboxes/nope", {"name": "x"}), 404)
