"""Engines: psycopg 3 for PostgreSQL URLs, SQLite tuned for threads, readiness, aware times."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.contracts.fixtures import an_account, an_inbox
from adapters.outbound.crypto import SecretBox
from adapters.outbound.in_memory import InMemoryStore, InMemoryUnitOfWork
from adapters.outbound.persistence import (
    SqlAlchemyUnitOfWork,
    create_database_engine,
    database_ready,
)
from adapters.outbound.persistence.engine import normalise_url
from adapters.outbound.persistence.tables import metadata


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@db:5432/hub", "postgresql+psycopg"),
        ("postgres://u@db/hub", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/hub", "postgresql+psycopg"),
        ("sqlite:///var/hub.db", "sqlite"),
    ],
)
def test_urls_name_the_driver_channelhub_ships(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver


def test_a_postgresql_engine_uses_psycopg_3() -> None:
    engine = create_database_engine("postgresql://postgres@127.0.0.1:5432/unused")

    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_a_sqlite_engine_creates_the_files_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "hub.db"

    engine = create_database_engine(f"sqlite:///{path}")

    assert path.parent.is_dir()
    engine.dispose()


def test_sqlite_connections_are_tuned_for_concurrent_use(sqlite_engine: sa.Engine) -> None:
    with sqlite_engine.connect() as connection:

        def pragma(name: str) -> object:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("busy_timeout") == 30_000
        assert pragma("foreign_keys") == 1


def test_sqlite_reuses_the_connection_used_last(sqlite_engine: sa.Engine) -> None:
    """Its page cache is still valid; any other pooled connection's is not, after a write."""
    first, second = sqlite_engine.connect(), sqlite_engine.connect()
    first_driver, second_driver = (
        first.connection.dbapi_connection,
        second.connection.dbapi_connection,
    )
    first.close()
    second.close()
    with sqlite_engine.connect() as again:
        assert again.connection.dbapi_connection is second_driver
        assert again.connection.dbapi_connection is not first_driver


def test_a_sqlite_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_engine: sa.Engine,
) -> None:
    with sqlite_engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))  # a read, yet the write lock is taken
        other = sqlite3.connect(sqlite_engine.url.database or "", timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_a_unit_of_work_that_touches_nothing_holds_no_lock(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    account = an_account()
    with (
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box),
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as inner,
    ):
        inner.accounts.add(account)
        inner.commit()

    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.accounts.get(account.id) == account


def test_sqlite_enforces_foreign_keys(sqlite_engine: sa.Engine, secret_box: SecretBox) -> None:
    with (
        pytest.raises(sa.exc.IntegrityError),
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow,
    ):
        uow.inboxes.add(an_inbox("no-such-account"))


def test_naive_datetimes_are_refused(sqlite_engine: sa.Engine, secret_box: SecretBox) -> None:
    account = an_account()
    account.created_at = datetime(2025, 1, 1, 12, 0)

    with (
        pytest.raises(sa.exc.StatementError, match="naive datetime"),
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow,
    ):
        uow.accounts.add(account)


def test_an_in_memory_sqlite_database_works_in_one_thread(secret_box: SecretBox) -> None:
    engine = create_database_engine("sqlite://")
    metadata.create_all(engine)
    account = an_account()
    with SqlAlchemyUnitOfWork(engine, secret_box) as uow:
        uow.accounts.add(account)
        uow.commit()

    with SqlAlchemyUnitOfWork(engine, secret_box) as uow:
        assert uow.accounts.get(account.id) == account
    engine.dispose()


def test_a_database_that_answers_is_ready(sqlite_engine: sa.Engine) -> None:
    assert database_ready(sqlite_engine) is True


def test_a_busy_sqlite_writer_does_not_make_the_database_unready(sqlite_engine: sa.Engine) -> None:
    with sqlite_engine.connect() as writer:
        writer.execute(sa.text("SELECT 1"))  # holds the write lock until the block ends

        assert database_ready(sqlite_engine) is True


def test_a_database_that_does_not_answer_is_not_ready() -> None:
    engine = create_database_engine("postgresql://postgres@127.0.0.1:1/nothing")

    assert database_ready(engine) is False
    engine.dispose()


def test_the_unit_of_work_must_be_entered(sqlite_engine: sa.Engine, secret_box: SecretBox) -> None:
    with pytest.raises(RuntimeError, match="not entered"):
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box).commit()


def test_nested_in_memory_units_of_work_in_one_thread_are_refused() -> None:
    store = InMemoryStore()

    with InMemoryUnitOfWork(store), pytest.raises(RuntimeError, match="nested"):
        InMemoryUnitOfWork(store).__enter__()
