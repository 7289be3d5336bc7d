"""An account and an inbox on a running server, through the REST API, as a user makes them."""

from __future__ import annotations

import re
from typing import Any

import requests

from domain.channels import Channel


def admin_token(server: Any) -> str:
    match = re.search(r"admin token.*:\n\s+(\S+)", server.output)
    assert match, server.output
    return match.group(1)


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        answer = self.session.request(method, self.base + path, timeout=10, **kwargs)
        assert answer.status_code == expect, answer.text
        return answer.json()


def open_inbox(
    server: Any, channel_type: str, config: dict[str, Any], name: str = "Inbox"
) -> tuple[Client, str, dict[str, Any], Channel]:
    """A new account with one inbox: its client, its API base path, the inbox, the channel."""
    admin = Client(server.base_url, admin_token(server))
    account = admin.call("POST", "/api/v1/accounts", 201, json={"name": "Acme"})
    client = Client(server.base_url, account["api_token"])
    base = f"/api/v1/accounts/{account['id']}"
    inbox = client.call(
        "POST",
        f"{base}/inboxes",
        201,
        json={"name": name, "channel": {"type": channel_type, **config}},
    )
    return client, base, inbox, Channel(channel_type, config)
