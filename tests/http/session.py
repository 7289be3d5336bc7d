"""Calling the HTTP app the way a client does: bearer tokens, JSON bodies, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PUBLIC_URL = "https://hub.example.test"
ADMIN_TOKEN = "admin-token-for-the-http-tests"
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class ApiSession:
    """One account's view of the API; paths are relative to /api/v1/accounts/{account_id}."""

    client: FlaskClient
    account_id: str
    token: str

    def url(self, suffix: str) -> str:
        return f"/api/v1/accounts/{self.account_id}{suffix}"

    def get(self, suffix: str, **query: Any) -> TestResponse:
        return self.client.get(self.url(suffix), query_string=query, headers=bearer(self.token))

    def post(self, suffix: str, body: Any) -> TestResponse:
        return self.client.post(self.url(suffix), json=body, headers=bearer(self.token))

    def patch(self, suffix: str, body: Any) -> TestResponse:
        return self.client.patch(self.url(suffix), json=body, headers=bearer(self.token))

    def create_api_inbox(self, name: str = "Backend") -> dict[str, Any]:
        answer = self.post(
            "/inboxes",
            {"name": name, "channel": {"type": "api", "callback_url": "https://app.test/cb"}},
        )
        assert answer.status_code == 201, answer.json
        return answer.json  # type: ignore[return-value]

    def create_windowed_inbox(self, verify_token: str = "verify-me") -> dict[str, Any]:
        answer = self.post(
            "/inboxes",
            {"name": "Windowed", "channel": {"type": "windowed", "verify_token": verify_token}},
        )
        assert answer.status_code == 201, answer.json
        return answer.json  # type: ignore[return-value]

    def start_conversation(
        self, inbox_id: str, source_id: str, content: str = "hello"
    ) -> dict[str, Any]:
        answer = self.post(
            "/conversations",
            {
                "inbox_id": inbox_id,
                "contact": {"source_id": source_id, "name": f"Contact {source_id}"},
                "message": {"content": content},
            },
        )
        assert answer.status_code == 201, answer.json
        return answer.json  # type: ignore[return-value]


def webhook_path(inbox: dict[str, Any]) -> str:
    url: str = inbox["webhook_url"]
    assert url.startswith(PUBLIC_URL)
    return url[len(PUBLIC_URL) :]


def api_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def api_message(message_id: str, sender_id: str, content: str, **sender: str) -> bytes:
    return json.dumps(
        {
            "event": "message",
            "message": {"id": message_id, "content": content},
            "sender": {"id": sender_id, **sender},
        }
    ).encode()


def post_signed(
    client: FlaskClient, inbox: dict[str, Any], body: bytes, secret: str | None = None
) -> TestResponse:
    """POST to the inbox's webhook signed with `secret` (default: the one shown at creation)."""
    signature = api_signature(body, secret or inbox["channel"]["hmac_secret"])
    return client.post(
        webhook_path(inbox),
        data=body,
        headers={"X-Channelhub-Signature": signature, "Content-Type": "application/json"},
    )


def assert_problem(answer: TestResponse, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    document = answer.get_json(force=True)
    assert document.keys() >= PROBLEM_KEYS
    assert document["status"] == status
    return document  # type: ignore[no-any-return]
