from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.contracts.media_store import MediaStoreContract
from adapters.outbound.in_memory import InMemoryMediaStore
from adapters.outbound.persistence import SqlAlchemyMediaStore
from domain.ports.media import MediaStore


class TestInMemoryMediaStore(MediaStoreContract):
    @pytest.fixture
    def media_store(self) -> MediaStore:
        return InMemoryMediaStore()


class TestSqliteMediaStore(MediaStoreContract):
    @pytest.fixture
    def media_store(self, sqlite_engine: sa.Engine) -> MediaStore:
        return SqlAlchemyMediaStore(sqlite_engine)


class TestPostgresMediaStore(MediaStoreContract):
    @pytest.fixture
    def media_store(self, postgres_engine: sa.Engine) -> MediaStore:
        return SqlAlchemyMediaStore(postgres_engine)
