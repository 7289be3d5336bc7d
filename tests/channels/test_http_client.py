"""How provider answers become the sender port's errors: real HTTP on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.outbound.http_client import (
    HttpAnswer,
    create_client_session,
    parse_retry_after,
    reason_from_body,
    send_request,
)
from domain.errors import ChannelRejected, ChannelUnavailable

TOKEN = "123456:secret-bot-token"


def answer_with(status: int, body: Any = None, text: str | None = None, **headers: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        if text is not None:
            return web.Response(status=status, text=text, headers=headers)
        return web.json_response(body, status=status, headers=headers)

    return handler


@pytest.fixture
async def serve() -> AsyncIterator[Any]:
    servers: list[TestServer] = []

    async def start(handler: Any) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("/"))

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with create_client_session() as client:
        yield client


async def test_a_2xx_answer_is_returned_in_full(serve: Any, session: Any) -> None:
    url = await serve(answer_with(201, {"id": "abc"}))
    answer = await send_request(session, "POST", url, json={"x": 1})
    assert (answer.status, answer.json()) == (201, {"id": "abc"})


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
async def test_server_errors_and_timeouts_are_worth_retrying(
    serve: Any, session: Any, status: int
) -> None:
    url = await serve(answer_with(status, {"error": {"message": "try later"}}))
    with pytest.raises(ChannelUnavailable) as caught:
        await send_request(session, "POST", url)
    assert caught.value.reason == "try later"
    assert caught.value.retry_after is None
    assert caught.value.details == {"status": str(status)}


async def test_too_many_requests_carries_retry_after_seconds(serve: Any, session: Any) -> None:
    url = await serve(answer_with(429, {"message": "slow down"}, **{"Retry-After": "7"}))
    with pytest.raises(ChannelUnavailable) as caught:
        await send_request(session, "POST", url)
    assert caught.value.retry_after == 7


async def test_a_server_error_honours_retry_after_too(serve: Any, session: Any) -> None:
    url = await serve(answer_with(503, None, text="maintenance", **{"Retry-After": "120"}))
    with pytest.raises(ChannelUnavailable) as caught:
        await send_request(session, "POST", url)
    assert (caught.value.reason, caught.value.retry_after) == ("maintenance", 120)


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"error": {"message": "(#100) Invalid parameter", "code": 100}}, "(#100) Invalid"),
        (403, {"ok": False, "error_code": 403, "description": "bot was blocked"}, "bot was"),
        (404, {"errors": [{"message": "no such number"}]}, "no such number"),
        (422, {"detail": "recipient unknown"}, "recipient unknown"),
        (401, {"unexpected": "shape"}, "the provider answered HTTP 401"),
    ],
)
async def test_other_client_errors_are_final(
    serve: Any, session: Any, status: int, body: Any, reason: str
) -> None:
    url = await serve(answer_with(status, body))
    with pytest.raises(ChannelRejected) as caught:
        await send_request(session, "POST", url)
    assert caught.value.code == str(status)
    assert caught.value.reason.startswith(reason)


async def test_an_html_error_page_is_not_a_reason(serve: Any, session: Any) -> None:
    url = await serve(answer_with(400, None, text="<html><body>Bad Request</body></html>"))
    with pytest.raises(ChannelRejected) as caught:
        await send_request(session, "POST", url)
    assert caught.value.reason == "the provider answered HTTP 400"


async def test_reasons_are_short_and_never_carry_secrets(serve: Any, session: Any) -> None:
    url = await serve(answer_with(400, {"message": f"token {TOKEN} invalid " + "x" * 500}))
    with pytest.raises(ChannelRejected) as caught:
        await send_request(session, "POST", url, redact=[TOKEN, ""])
    assert TOKEN not in caught.value.reason
    assert caught.value.reason.startswith("token [redacted] invalid")
    assert len(caught.value.reason) <= 200


async def test_unchecked_answers_are_left_to_the_sender(serve: Any, session: Any) -> None:
    url = await serve(answer_with(400, {"error": {"code": 131056}}))
    answer = await send_request(session, "POST", url, check=False)
    assert answer.status == 400


async def test_a_refused_connection_is_worth_retrying_and_hides_the_url(session: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ChannelUnavailable) as caught:
        await send_request(session, "POST", f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    assert "secret-bot-token" not in str(caught.value)
    assert str(port) in caught.value.reason


async def test_a_provider_that_does_not_answer_in_time_is_worth_retrying(serve: Any) -> None:
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    url = await serve(hang)
    async with create_client_session(total_timeout=0.2) as short:
        with pytest.raises(ChannelUnavailable) as caught:
            await send_request(short, "GET", url)
    assert caught.value.reason == "the provider did not answer in time"
    never.set()


async def test_an_invalid_url_is_final(session: Any) -> None:
    with pytest.raises(ChannelRejected) as caught:
        await send_request(session, "POST", "http://exa mple.com:abc/")
    assert caught.value.code == "invalid_url"


async def test_the_shared_session_has_bounded_timeouts_and_pool() -> None:
    async with create_client_session() as client:
        assert (client.timeout.total, client.timeout.connect) == (30, 10)
        assert client.connector is not None
        assert client.connector.limit == 100


NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Sat, 01 Mar 2025 12:00:30 GMT", 30.0),
        ("Sat, 01 Mar 2025 11:00:00 GMT", 0.0),
        ("99999999", 24 * 3600.0),
        ("soon", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_a_plain_text_body_is_a_reason() -> None:
    assert reason_from_body(HttpAnswer(400, {}, b"number\nnot valid")) == "number not valid"
    assert reason_from_body(HttpAnswer(400, {}, b"")) is None
