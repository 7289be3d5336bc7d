"""Twilio's error answers, in both shapes, as the sender port's errors."""

from __future__ import annotations

import json

import pytest

from adapters.outbound.channels.twilio.errors import error_for_twilio_answer
from adapters.outbound.http_client import HttpAnswer
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientUnreachable,
)


def legacy(code: int, message: str, status: int = 400, **headers: str) -> HttpAnswer:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return HttpAnswer(status, headers, json.dumps(body).encode())


def problem(code: int, title: str, status: int = 400, *, with_code: bool = True) -> HttpAnswer:
    body = {
        "type": f"https://www.twilio.com/docs/errors/{code}",
        "title": title,
        "status": status,
        "detail": f"{title} (detail)",
        "instance": "/Messages",
    }
    if with_code:
        body["code"] = code
    return HttpAnswer(
        status, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (21211, "Invalid 'To' Phone Number: +1555"),
        (21614, "'To' number is not a valid mobile number"),
        (21408, "Permission to send an SMS has not been enabled for the region"),
        (21602, "Message body is required."),
    ],
)
def test_refusals_fail_for_good_with_code_and_message(code: int, message: str) -> None:
    error = error_for_twilio_answer(legacy(code, message))
    assert type(error) is ChannelRejected
    assert str(error) == f"{code}: {message}"


def test_outside_the_whatsapp_window_says_a_template_is_needed() -> None:
    error = error_for_twilio_answer(legacy(63016, "Failed to send freeform message"))
    assert type(error) is ChannelRejected
    assert str(error).startswith("63016: Failed to send freeform message")
    assert "template" in str(error)


def test_an_unsubscribed_recipient_is_unreachable() -> None:
    error = error_for_twilio_answer(legacy(21610, "Attempt to send to unsubscribed recipient"))
    assert isinstance(error, RecipientUnreachable)
    assert str(error) == "21610: Attempt to send to unsubscribed recipient"


def test_refused_credentials_are_the_inboxs_problem() -> None:
    error = error_for_twilio_answer(legacy(20003, "Authenticate", 401))
    assert isinstance(error, ChannelCredentialsInvalid)
    assert error.code == "20003"


@pytest.mark.parametrize(
    "answer",
    [
        legacy(20429, "Too Many Requests", 429, **{"Retry-After": "3"}),
        legacy(20429, "Too Many Requests", 400, **{"Retry-After": "3"}),
        legacy(63018, "Rate limit exceeded for Channel", 400, **{"Retry-After": "3"}),
        legacy(20500, "An internal server error has occurred", 500, **{"Retry-After": "3"}),
        HttpAnswer(503, {"retry-after": "3"}, b"<html>Service Unavailable</html>"),
    ],
    ids=["429", "20429-in-a-400", "63018", "500", "bare-503"],
)
def test_throttling_and_outages_are_retried_after_what_twilio_asks(answer: HttpAnswer) -> None:
    error = error_for_twilio_answer(answer)
    assert isinstance(error, ChannelUnavailable)
    assert error.retry_after == 3


def test_the_rfc_9457_shape_is_read_too() -> None:
    error = error_for_twilio_answer(problem(21211, "Invalid 'To' Phone Number"))
    assert type(error) is ChannelRejected
    assert str(error) == "21211: Invalid 'To' Phone Number (detail)"
    unsubscribed = error_for_twilio_answer(problem(21610, "Unsubscribed", with_code=False))
    assert isinstance(unsubscribed, RecipientUnreachable)
    assert unsubscribed.code == "21610"


def test_a_body_that_is_no_twilio_error_falls_back_to_the_http_status() -> None:
    error = error_for_twilio_answer(HttpAnswer(404, {}, b"Not Found"))
    assert type(error) is ChannelRejected
    assert str(error) == "404: Not Found"


def test_the_token_never_shows_in_a_reason() -> None:
    error = error_for_twilio_answer(legacy(21211, "bad token s3cr3t-token"), ["s3cr3t-token"])
    assert "s3cr3t-token" not in str(error)


def test_a_success_is_no_error() -> None:
    assert error_for_twilio_answer(HttpAnswer(201, {}, b'{"sid": "SM1"}')) is None
