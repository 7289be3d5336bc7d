"""Prepared statements: the same values in and out as `Connection.execute`, on both databases."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
import sqlalchemy as sa

from adapters.contracts.fixtures import T0, an_account, an_inbox, at
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import SqlAlchemyUnitOfWork
from adapters.outbound.persistence.prepared import PreparedStatement
from adapters.outbound.persistence.tables import accounts, raw_events
from domain.accounts import Inbox


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> sa.Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def inbox(engine: sa.Engine, secret_box: SecretBox) -> Inbox:
    account = an_account()
    inbox = an_inbox(account.id)
    with SqlAlchemyUnitOfWork(engine, secret_box) as uow:
        uow.accounts.add(account)
        uow.inboxes.add(inbox)
        uow.commit()
    return inbox


INSERT_RAW_EVENT = PreparedStatement(raw_events.insert())
RAW_EVENT_BY_ID = PreparedStatement(
    sa.select(raw_events).where(raw_events.c.id == sa.bindparam("event_id"))
)


def raw_event(inbox: Inbox, event_id: str = "ev-1") -> dict[str, object]:
    return {
        "id": event_id,
        "inbox_id": inbox.id,
        "channel_type": "api",
        "received_at": T0,
        "headers": {"x-signature": "sha256=abc", "content-type": "application/json"},
        "body": b'{"event": "message", "\xc3\xa9": 1}\x00\xff',
        "url": "https://hub.example.com/webhooks/api/key?x=1",
        "query": {"x": "1"},
        "error": None,
        "processed_at": at(1.5),
        "extra": {"nested": [1, "two", None, {"three": 3.5}]},
    }


def test_an_insert_stores_what_connection_execute_would(engine: sa.Engine, inbox: Inbox) -> None:
    values = raw_event(inbox)
    with engine.connect() as connection:
        assert INSERT_RAW_EVENT.execute(connection, values) == 1
        connection.execute(raw_events.insert(), {**values, "id": "ev-2"})
        connection.commit()

        rows = connection.execute(sa.select(raw_events).order_by(raw_events.c.id)).all()

    prepared, executed = (row._asdict() for row in rows)
    assert prepared == {**executed, "id": "ev-1"}
    assert bytes(prepared["body"]) == values["body"]
    assert prepared["received_at"] == T0  # aware UTC, microseconds kept


def test_a_select_reads_what_connection_execute_reads(engine: sa.Engine, inbox: Inbox) -> None:
    with engine.connect() as connection:
        connection.execute(raw_events.insert(), raw_event(inbox))

        prepared = RAW_EVENT_BY_ID.first(connection, {"event_id": "ev-1"})
        executed = connection.execute(sa.select(raw_events).where(raw_events.c.id == "ev-1")).one()

    assert prepared is not None
    assert prepared._asdict() == executed._asdict()
    assert prepared.processed_at == at(1.5)
    assert prepared.extra == {"nested": [1, "two", None, {"three": 3.5}]}


def test_a_select_that_matches_nothing_gives_none(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert RAW_EVENT_BY_ID.first(connection, {"event_id": "missing"}) is None


def test_values_written_into_the_statement_still_apply(engine: sa.Engine) -> None:
    newest_not_named = PreparedStatement(
        sa.select(accounts.c.name)
        .where((accounts.c.name != "Skipped") & (accounts.c.created_at >= sa.bindparam("since")))
        .order_by(accounts.c.created_at.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        for name, created_at in (("Old", at(0)), ("New", at(10)), ("Skipped", at(20))):
            account = an_account(name)
            connection.execute(
                accounts.insert(), {**_account_values(account), "created_at": created_at}
            )

        row = newest_not_named.first(connection, {"since": at(0)})

    assert row is not None
    assert row.name == "New"


def test_an_update_counts_the_rows_it_changed(engine: sa.Engine) -> None:
    rename = PreparedStatement(accounts.update().where(accounts.c.id == sa.bindparam("account_id")))
    account = an_account("Before")
    with engine.connect() as connection:
        connection.execute(accounts.insert(), _account_values(account))

        changed = rename.execute(connection, {"account_id": account.id, "name": "After"})
        missed = rename.execute(connection, {"account_id": "no-such-account", "name": "After"})
        name = connection.execute(sa.select(accounts.c.name)).scalar_one()

    assert (changed, missed, name) == (1, 0, "After")


def test_a_constraint_violation_is_sqlalchemys_integrity_error(
    engine: sa.Engine, inbox: Inbox
) -> None:
    with engine.connect() as connection:
        INSERT_RAW_EVENT.execute(connection, raw_event(inbox))

        with pytest.raises(sa.exc.IntegrityError):
            INSERT_RAW_EVENT.execute(connection, raw_event(inbox))


def test_a_value_the_type_refuses_is_sqlalchemys_statement_error(
    engine: sa.Engine, inbox: Inbox
) -> None:
    naive = {**raw_event(inbox), "received_at": datetime(2025, 1, 1, 12, 0)}

    with engine.connect() as connection, pytest.raises(sa.exc.StatementError, match="naive"):
        INSERT_RAW_EVENT.execute(connection, naive)


def test_a_statement_begins_the_transaction(sqlite_engine: sa.Engine) -> None:
    with sqlite_engine.connect() as connection:
        RAW_EVENT_BY_ID.first(connection, {"event_id": "ev-1"})

        assert connection.in_transaction()
        other = sqlite3.connect(sqlite_engine.url.database or "", timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_statements_that_expand_parameters_are_refused(sqlite_engine: sa.Engine) -> None:
    by_names = PreparedStatement(
        sa.select(accounts).where(accounts.c.name.in_(sa.bindparam("names", expanding=True)))
    )

    with sqlite_engine.connect() as connection, pytest.raises(ValueError, match="expand"):
        by_names.first(connection, {"names": ["a", "b"]})


def _account_values(account: object) -> dict[str, object]:
    return {name: getattr(account, name) for name in ("id", "name", "token_hash", "created_at")}
