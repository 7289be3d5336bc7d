from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.outbound.in_memory import InMemoryStore, InMemoryUnitOfWork
from adapters.outbound.persistence import SqlAlchemyUnitOfWork, create_database_engine
from application.channels import ChannelRegistry
from application.management import CreateAccount, ManageInboxes
from application.ports import CollectingEventPublisher
from application.queries import Queries
from domain.accounts import Inbox
from tests.application.fakes import RecordingSender, scripted_plugin
from tests.support.clock import FixedClock


class ListQueue:
    def __init__(self) -> None:
        self.items: list[tuple[str, object]] = []

    def enqueue(self, message_id: str, not_before: object = None) -> None:
        self.items.append((message_id, not_before))


@dataclass
class World:
    uow_factory: object
    clock: FixedClock
    registry: ChannelRegistry
    sender: RecordingSender
    queue: ListQueue
    publisher: CollectingEventPublisher
    account_id: str
    inbox: Inbox

    @property
    def queries(self) -> Queries:
        return Queries(self.uow_factory, self.registry, self.clock)


def make_world(uow_factory, window_hours=None) -> World:
    clock = FixedClock()
    sender = RecordingSender()
    plugin = scripted_plugin(window_hours=window_hours, sender=sender)
    sender.capabilities = plugin.capabilities
    registry = ChannelRegistry([plugin])
    account = CreateAccount(uow_factory, clock)({"name": "Acme"}).account
    inbox = (
        ManageInboxes(uow_factory, registry, clock)
        .create(account.id, {"name": "Support", "channel": {"type": "scripted", "token": "good"}})
        .inbox
    )
    return World(
        uow_factory,
        clock,
        registry,
        sender,
        ListQueue(),
        CollectingEventPublisher(),
        account.id,
        inbox,
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def uow_factory(request, secret_box):
    """Every use-case test runs on each real store: in-memory, SQLite and PostgreSQL."""
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store)
        return
    if request.param == "postgres":
        engine = request.getfixturevalue("postgres_engine")
        yield lambda: SqlAlchemyUnitOfWork(engine, secret_box)
        return
    engine = create_database_engine(request.getfixturevalue("sqlite_url"))
    yield lambda: SqlAlchemyUnitOfWork(engine, secret_box)
    engine.dispose()


@pytest.fixture
def world(uow_factory) -> World:
    return make_world(uow_factory)


@pytest.fixture
def windowed_world(uow_factory) -> World:
    return make_world(uow_factory, window_hours=24)
