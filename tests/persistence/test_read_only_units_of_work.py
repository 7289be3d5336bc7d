"""Read-only units of work: on SQLite they take no lock, so readers never queue behind writers."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from adapters.contracts.fixtures import an_account
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork


def add_account(engine: sa.Engine, box: SecretBox, name: str) -> str:
    account = an_account(name)
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        uow.accounts.add(account)
        uow.commit()
    return account.id


def test_a_reader_does_not_wait_for_a_writer_and_sees_what_is_committed(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    committed = add_account(sqlite_engine, secret_box, "committed")
    writing, release = threading.Event(), threading.Event()
    seen: list[object] = []

    def writer() -> None:
        with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
            uow.accounts.add(an_account("uncommitted"))  # holds the write lock from here
            writing.set()
            release.wait(60)
            uow.commit()

    def reader() -> None:
        with SqlAlchemyUnitOfWork(sqlite_engine, secret_box, read_only=True) as uow:
            seen.append(uow.accounts.get(committed))

    holding = threading.Thread(target=writer)
    holding.start()
    try:
        assert writing.wait(30)
        reading = threading.Thread(target=reader)
        reading.start()
        # The writer keeps its lock until released: a reader that queued for the lock would
        # still be waiting here.
        reading.join(20)
        assert not reading.is_alive(), "the reader waited for the writer's lock"
        assert seen and seen[0] is not None
    finally:
        release.set()
        holding.join(30)


def test_a_write_through_a_reader_fails_and_stores_nothing(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    sneaky = an_account("sneaky")
    with (
        pytest.raises(sa.exc.OperationalError, match="readonly"),
        SqlAlchemyUnitOfWork(sqlite_engine, secret_box, read_only=True) as uow,
    ):
        uow.accounts.add(sneaky)
        uow.commit()
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box) as uow:
        assert uow.accounts.get(sneaky.id) is None


def test_the_connection_a_reader_used_writes_again_afterwards(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box, read_only=True) as uow:
        uow.accounts.get("nobody")
    # The pool hands out the connection used last: the reader's.
    account_id = add_account(sqlite_engine, secret_box, "after")
    with SqlAlchemyUnitOfWork(sqlite_engine, secret_box, read_only=True) as uow:
        assert uow.accounts.get(account_id) is not None


def test_on_postgresql_a_reader_is_an_ordinary_unit_of_work(
    postgres_engine: sa.Engine, secret_box: SecretBox
) -> None:
    account_id = add_account(postgres_engine, secret_box, "pg")
    with SqlAlchemyUnitOfWork(postgres_engine, secret_box, read_only=True) as uow:
        assert uow.accounts.get(account_id) is not None
