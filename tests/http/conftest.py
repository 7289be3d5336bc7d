"""The HTTP app wired to the real use cases, in-memory storage and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.inbound.http import HttpHandlers, create_http_app
from adapters.outbound.channels.api import plugin as api_plugin
from adapters.outbound.in_memory import InMemoryStore, InMemoryUnitOfWork
from application.channels import ChannelRegistry
from application.inboxes import InboxLookup
from application.management import (
    Authenticate,
    ChangeConversationStatus,
    CreateAccount,
    ManageInboxes,
)
from application.ports import CollectingEventPublisher, UnitOfWorkFactory
from application.queries import Queries
from application.receipts import MarkConversationRead
from application.sending import SendMessage, StartConversation
from application.webhooks import AnswerHandshake, ReceiveWebhook
from tests.http.fakes import MovableClock, Readiness, RecordingQueue
from tests.http.session import ADMIN_TOKEN, PUBLIC_URL, ApiSession, bearer
from tests.http.windowed_channel import windowed_plugin

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def readiness() -> Readiness:
    return Readiness()


@pytest.fixture
def uow_factory() -> UnitOfWorkFactory:
    store = InMemoryStore()
    return lambda: InMemoryUnitOfWork(store)


@pytest.fixture
def handlers(
    uow_factory: UnitOfWorkFactory,
    clock: MovableClock,
    queue: RecordingQueue,
    readiness: Readiness,
) -> HttpHandlers:
    registry = ChannelRegistry([api_plugin, windowed_plugin])
    publisher = CollectingEventPublisher()
    return HttpHandlers(
        authenticate=Authenticate(uow_factory, ADMIN_TOKEN),
        create_account=CreateAccount(uow_factory, clock),
        manage_inboxes=ManageInboxes(uow_factory, registry, clock),
        queries=Queries(uow_factory, registry, clock),
        send_message=SendMessage(uow_factory, registry, clock, queue, publisher),
        start_conversation=StartConversation(uow_factory, registry, clock, queue, publisher),
        change_conversation_status=ChangeConversationStatus(uow_factory, publisher),
        receive_webhook=ReceiveWebhook(uow_factory, registry, clock, publisher),
        answer_handshake=AnswerHandshake(InboxLookup(uow_factory, clock, ttl_seconds=0), registry),
        ready=readiness,
        mark_conversation_read=MarkConversationRead(uow_factory, registry, queue),
    )


@pytest.fixture
def app(handlers: HttpHandlers) -> Flask:
    return create_http_app(handlers, public_url=PUBLIC_URL)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _new_account(client: FlaskClient, name: str) -> ApiSession:
    answer = client.post("/api/v1/accounts", json={"name": name}, headers=bearer(ADMIN_TOKEN))
    assert answer.status_code == 201, answer.json
    body = answer.get_json()
    return ApiSession(client, body["id"], body["api_token"])


@pytest.fixture
def alice(client: FlaskClient) -> ApiSession:
    return _new_account(client, "Alice Ltd")


@pytest.fixture
def bob(client: FlaskClient) -> ApiSession:
    return _new_account(client, "Bob Ltd")
