"""Graph answers into sender errors, by `error.code` and not by HTTP status."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.outbound.graph_whatsapp.errors import error_for_graph_answer
from adapters.outbound.http_client import HttpAnswer
from domain.errors import ChannelCredentialsInvalid, ChannelRejected, ChannelUnavailable


def graph(
    code: int, message: str, status: int = 400, headers: dict[str, str] | None = None
) -> HttpAnswer:
    body = {
        "error": {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "Atrace",
        }
    }
    return HttpAnswer(status, headers or {}, json.dumps(body).encode())


# (answer, error class, code, text of the error as it lands in `external_error`)
TABLE: list[tuple[str, HttpAnswer, type, str | None, str]] = [
    (
        "throughput",
        graph(130429, "Rate limit hit"),
        ChannelUnavailable,
        None,
        "130429: Rate limit hit",
    ),
    (
        "pair-rate",
        graph(131056, "pair rate limit hit"),
        ChannelUnavailable,
        None,
        "131056: pair rate limit hit",
    ),
    (
        "waba-rate",
        graph(80007, "Rate limit issues"),
        ChannelUnavailable,
        None,
        "80007: Rate limit issues",
    ),
    (
        "app-rate",
        graph(4, "Application request limit reached"),
        ChannelUnavailable,
        None,
        "4: Application request limit reached",
    ),
    (
        "spam-rate",
        graph(131048, "Spam rate limit hit"),
        ChannelUnavailable,
        None,
        "131048: Spam rate limit hit",
    ),
    (
        "server",
        graph(131000, "Something went wrong", status=500),
        ChannelUnavailable,
        None,
        "131000: Something went wrong",
    ),
    (
        "undeliverable",
        graph(131026, "Message undeliverable"),
        ChannelRejected,
        "131026",
        "131026: Message undeliverable",
    ),
    (
        "template-missing",
        graph(132001, "Template name does not exist in the translation"),
        ChannelRejected,
        "132001",
        "132001: Template name does not exist in the translation",
    ),
    (
        "template-params",
        graph(132000, "Number of parameters does not match"),
        ChannelRejected,
        "132000",
        "132000: Number of parameters does not match",
    ),
    (
        "invalid-parameter",
        graph(100, "Invalid parameter"),
        ChannelRejected,
        "100",
        "100: Invalid parameter",
    ),
    (
        "token-expired",
        graph(190, "Error validating access token", status=401),
        ChannelCredentialsInvalid,
        "190",
        "190: Error validating access token",
    ),
]


@pytest.mark.parametrize(
    ("name", "answer", "kind", "code", "text"), TABLE, ids=[t[0] for t in TABLE]
)
def test_graph_codes_decide_the_outcome(
    name: str, answer: HttpAnswer, kind: type, code: str | None, text: str
) -> None:
    error = error_for_graph_answer(answer)
    assert type(error) is kind
    assert str(error) == text
    if code is not None:
        assert isinstance(error, ChannelRejected) and error.code == code


def test_the_window_closed_refusal_says_so() -> None:
    error = error_for_graph_answer(graph(131047, "Re-engagement message"))
    assert isinstance(error, ChannelRejected) and error.code == "131047"
    assert str(error).startswith("131047: Re-engagement message")
    assert "24-hour customer-service window is closed" in str(error)


def test_a_credentials_error_is_a_rejection_the_core_can_single_out() -> None:
    error = error_for_graph_answer(graph(190, "expired"))
    assert isinstance(error, ChannelRejected) and isinstance(error, ChannelCredentialsInvalid)


def test_a_retry_after_header_is_honoured_on_a_throttling_code() -> None:
    error = error_for_graph_answer(graph(130429, "Rate limit hit", headers={"Retry-After": "30"}))
    assert isinstance(error, ChannelUnavailable) and error.retry_after == 30
    assert error.details == {"code": "130429", "status": "400"}


def test_a_transient_flag_makes_any_code_retryable() -> None:
    body: dict[str, Any] = {"error": {"message": "x", "code": 555, "is_transient": True}}
    answer = HttpAnswer(400, {}, json.dumps(body).encode())
    assert isinstance(error_for_graph_answer(answer), ChannelUnavailable)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (500, ChannelUnavailable),
        (502, ChannelUnavailable),
        (429, ChannelUnavailable),
        (400, ChannelRejected),
    ],
)
def test_without_a_graph_envelope_the_http_status_decides(status: int, kind: type) -> None:
    answer = HttpAnswer(status, {}, b"<html>oops</html>")
    assert type(error_for_graph_answer(answer)) is kind


def test_a_bare_401_means_the_key_was_refused() -> None:
    body = {"meta": {"success": False, "http_code": 401, "developer_message": "Invalid api key"}}
    error = error_for_graph_answer(HttpAnswer(401, {}, json.dumps(body).encode()))
    assert isinstance(error, ChannelCredentialsInvalid)
    assert str(error) == "401: Invalid api key"


def test_secrets_are_redacted_from_the_reason() -> None:
    answer = graph(100, "bad token EAAG-secret in request")
    assert "EAAG-secret" not in str(error_for_graph_answer(answer, ["EAAG-secret"]))


def test_a_success_is_no_error() -> None:
    assert error_for_graph_answer(HttpAnswer(200, {}, b'{"messages":[{"id":"w"}]}')) is None
