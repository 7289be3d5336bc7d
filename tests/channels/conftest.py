"""Fixtures every provider's tests share: a pooled client session and loopback app servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.outbound.http_client import create_client_session


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with create_client_session() as client:
        yield client


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[web.Application], Any]]:
    """Serve an aiohttp app on loopback; returns its base URL."""
    servers: list[TestServer] = []

    async def start(app: web.Application) -> str:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()
