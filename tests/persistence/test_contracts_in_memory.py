"""The in-memory adapters keep the storage contracts."""

from __future__ import annotations

import pytest

from adapters.contracts.repositories import RepositoryContract
from adapters.contracts.unit_of_work import UnitOfWorkContract
from adapters.outbound.in_memory import InMemoryStore, InMemoryUnitOfWork
from application.ports import UnitOfWorkFactory


@pytest.fixture
def uow_factory() -> UnitOfWorkFactory:
    store = InMemoryStore()
    return lambda: InMemoryUnitOfWork(store)


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    pass


class TestInMemoryRepositories(RepositoryContract):
    pass
