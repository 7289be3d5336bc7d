"""Running the Alembic migrations from code, also from an installed wheel (no alembic.ini)."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL

from adapters.outbound.persistence.engine import create_database_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Any fixed number: it names the lock that keeps concurrent upgrades of one database in a row.
_UPGRADE_LOCK = 7_318_042_556

# Alembic keeps its migration context in module globals: one upgrade at a time per process.
_IN_PROCESS = threading.Lock()


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`; running it again changes nothing."""
    engine = create_database_engine(url, poolclass=sa.pool.NullPool)
    try:
        with _IN_PROCESS, engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several processes starting at once: one migrates, the others wait, then see
                # that nothing is left to do. (SQLite's BEGIN IMMEDIATE does the same.)
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_UPGRADE_LOCK)))
            command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at (None before the first migration)."""
    return MigrationContext.configure(connection).get_current_revision()
