"""Telegram's answers as the sender port's errors, including the shapes the simulator never
sends: errors in a 200, HTML from a proxy, a Retry-After header without parameters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.outbound.channels.telegram.bot_api import error_for_bot_answer
from adapters.outbound.http_client import HttpAnswer
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientMoved,
    RecipientUnreachable,
)

TOKEN = "7000000001:AAHsecret"


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> HttpAnswer:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpAnswer(status, headers or {}, raw)


def failure(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def test_a_success_is_no_error() -> None:
    assert error_for_bot_answer(answer(200, {"ok": True, "result": True}), [TOKEN]) is None


@pytest.mark.parametrize(
    ("status", "body", "kind", "text"),
    [
        (
            429,
            failure(429, "Too Many Requests: retry after 3", retry_after=3),
            ChannelUnavailable,
            "Too Many Requests: retry after 3",
        ),
        (
            400,
            failure(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=-1001,
            ),
            RecipientMoved,
            "upgraded",
        ),
        (
            403,
            failure(403, "Forbidden: bot was kicked from the group chat"),
            RecipientUnreachable,
            "403: Forbidden: bot was kicked from the group chat",
        ),
        (401, failure(401, "Unauthorized"), ChannelCredentialsInvalid, "401: Unauthorized"),
        (404, failure(404, "Not Found"), ChannelCredentialsInvalid, "404: Not Found"),
        (
            400,
            failure(400, "Bad Request: message text is empty"),
            ChannelRejected,
            "400: Bad Request: message text is empty",
        ),
        (500, failure(500, "Internal Server Error"), ChannelUnavailable, "Internal Server Error"),
        (502, b"<html><body>Bad Gateway</body></html>", ChannelUnavailable, "HTTP 502"),
        (200, failure(400, "Bad Request: chat not found"), ChannelRejected, "chat not found"),
    ],
)
def test_the_error_table(status: int, body: Any, kind: type, text: str) -> None:
    error = error_for_bot_answer(answer(status, body), [TOKEN])
    assert type(error) is kind
    assert text in str(error)


def test_the_new_chat_id_of_a_migration() -> None:
    body = failure(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-1001122)
    error = error_for_bot_answer(answer(400, body), [TOKEN])
    assert isinstance(error, RecipientMoved)
    assert (error.new_recipient_id, error.retry_after) == ("-1001122", None)


def test_retry_after_comes_from_the_parameters_or_else_the_header() -> None:
    with_parameters = error_for_bot_answer(
        answer(429, failure(429, "Too Many Requests", retry_after=35), {"Retry-After": "3"}), []
    )
    with_header = error_for_bot_answer(
        answer(429, failure(429, "Too Many Requests"), {"Retry-After": "3"}), []
    )
    assert isinstance(with_parameters, ChannelUnavailable)
    assert isinstance(with_header, ChannelUnavailable)
    assert (with_parameters.retry_after, with_header.retry_after) == (35, 3)


def test_secrets_are_redacted_from_reasons() -> None:
    body = failure(400, f"Bad Request: wrong url /bot{TOKEN}/sendMessage")
    error = error_for_bot_answer(answer(400, body), [TOKEN])
    assert TOKEN not in str(error)
