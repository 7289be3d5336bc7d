"""The SQLAlchemy adapters keep the storage contracts on PostgreSQL (psycopg 3)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.contracts.repositories import RepositoryContract
from adapters.contracts.unit_of_work import UnitOfWorkContract
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork
from application.ports import UnitOfWorkFactory


@pytest.fixture
def uow_factory(postgres_engine: sa.Engine, secret_box: SecretBox) -> UnitOfWorkFactory:
    return lambda: SqlAlchemyUnitOfWork(postgres_engine, secret_box)


class TestPostgresUnitOfWork(UnitOfWorkContract):
    pass


class TestPostgresRepositories(RepositoryContract):
    pass
