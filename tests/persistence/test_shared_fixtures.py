"""The shared fixtures of tests/conftest.py and tests/support do what other areas rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.contracts.fixtures import an_account
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork, create_database_engine
from adapters.outbound.persistence.tables import ALL_TABLES
from tests import conftest
from tests.support.clock import FixedClock


def test_an_unreachable_postgresql_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="PostgreSQL not reachable"):
        conftest._postgres_unreachable("refused")


def test_an_unreachable_postgresql_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        conftest._postgres_unreachable("refused")


def count_rows(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return sum(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in ALL_TABLES
        )


def test_sqlite_url_is_a_migrated_empty_database(sqlite_url: str) -> None:
    engine = create_database_engine(sqlite_url)
    try:
        assert {t.name for t in ALL_TABLES} <= set(sa.inspect(engine).get_table_names())
        assert count_rows(engine) == 0
    finally:
        engine.dispose()


def test_postgresql_tables_are_emptied_between_tests(
    postgres_engine: sa.Engine, secret_box: SecretBox
) -> None:
    with SqlAlchemyUnitOfWork(postgres_engine, secret_box) as uow:
        uow.accounts.add(an_account())
        uow.commit()
    assert count_rows(postgres_engine) == 1

    conftest._empty_all_tables(postgres_engine)

    assert count_rows(postgres_engine) == 0


def test_fresh_postgres_url_points_at_an_empty_migrated_database(fresh_postgres_url: str) -> None:
    engine = create_database_engine(fresh_postgres_url)
    try:
        assert {t.name for t in ALL_TABLES} <= set(sa.inspect(engine).get_table_names())
        assert count_rows(engine) == 0
    finally:
        engine.dispose()


def test_the_clock_stands_still_until_moved() -> None:
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))

    assert clock.now() == clock.now() == datetime(2025, 1, 1, tzinfo=UTC)
    assert clock.advance(minutes=5) == datetime(2025, 1, 1, 0, 5, tzinfo=UTC)
    assert clock.advance(timedelta(hours=1)) == datetime(2025, 1, 1, 1, 5, tzinfo=UTC)
    clock.set(datetime(2030, 6, 1, tzinfo=UTC))
    assert clock.now() == datetime(2030, 6, 1, tzinfo=UTC)


def test_the_clock_wants_aware_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2025, 1, 1))
