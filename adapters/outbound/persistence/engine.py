"""Building engines: SQLite tuned for many threads in one process, PostgreSQL through psycopg 3."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Writers take turns on SQLite anyway; a few connections keep readers of the pool moving.
# Last in, first out: the connection just used is the one used next. In WAL mode a connection
# drops its page cache when another connection has written since its last transaction, so
# rotating through the pool made nearly every transaction read its pages again.
# Set on a pooled connection's `info` while a read-only unit of work holds it (SQLite).
READ_ONLY = "channelhub.read_only"

SQLITE_POOL: dict[str, Any] = {
    "pool_size": 5,
    "max_overflow": 10,
    "pool_timeout": 60,
    "pool_use_lifo": True,
}

POSTGRES_POOL: dict[str, Any] = {
    "pool_size": 10,
    "max_overflow": 20,
    "pool_timeout": 30,
    "pool_recycle": 1800,
    "pool_pre_ping": True,
}


def normalise_url(url: str | URL) -> URL:
    """`postgresql://` and `postgres://` mean psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def create_database_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for `url`; `options` go to `create_engine` and win over the defaults."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, options)
    if parsed.get_backend_name() == "postgresql":
        settings: dict[str, Any] = {"connect_args": {"connect_timeout": 10}}
        if "poolclass" not in options:
            settings.update(POSTGRES_POOL)
        return sa.create_engine(parsed, **{**settings, **options})
    return sa.create_engine(parsed, **options)


def _sqlite_engine(url: URL, options: dict[str, Any]) -> Engine:
    memory = _is_memory(url)
    if memory:
        # One shared connection, or every pooled connection would see its own empty database.
        settings: dict[str, Any] = {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        }
    else:
        database = url.database or ""
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        settings = {} if "poolclass" in options else SQLITE_POOL
    engine = sa.create_engine(url, **{**settings, **options})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy emits BEGIN itself (below); sqlite3's own transaction handling is off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if not memory:
                _switch_to_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        if connection.info.get(READ_ONLY):
            # A reader needs no lock in WAL mode and never waits for a writer; `query_only`
            # makes a write through it fail at once instead of taking the lock after all.
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("PRAGMA query_only=ON")
            return
        # Take the write lock up front: a deferred transaction that reads and then writes fails
        # with SQLITE_BUSY when another writer got in between; an immediate one just waits.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _switch_to_wal(cursor: Any) -> None:
    """Turn WAL on, waiting out other processes that start on the same new file.

    Leaving rollback-journal mode needs an exclusive lock, and SQLite refuses it at once, without
    the busy handler, while another connection holds a write lock (deadlock avoidance): several
    processes migrating one fresh database at start hit exactly that.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def database_ready(engine: Engine) -> bool:
    """Whether the database answers a trivial query now.

    Asked below SQLAlchemy's transactions, so that on SQLite the probe does not queue for the
    write lock behind a busy writer.
    """
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
    except Exception as exc:  # whatever the driver raises, the answer is the same: not ready
        log.warning("database not ready: %s", type(exc).__name__)
        return False
    return True
