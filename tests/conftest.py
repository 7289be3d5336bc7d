"""Fixtures every test area may use: databases (SQLite, PostgreSQL), secrets and a clock."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
import redis
import sqlalchemy as sa
from psycopg import sql

from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import create_database_engine, upgrade_database
from adapters.outbound.persistence.tables import ALL_TABLES
from tests.support.clock import FixedClock

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_FIXTURES = {"postgres_url", "postgres_engine", "fresh_postgres_url"}
REDIS_SERVER = "redis://127.0.0.1:6379/0"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Lets `-m "not postgres"` (or "not redis") leave out everything that needs the server.
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if POSTGRES_FIXTURES & names:
            item.add_marker(pytest.mark.postgres)
        if "redis_queue_url" in names:
            item.add_marker(pytest.mark.redis)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def secret_key() -> str:
    return SecretBox.generate_key()


@pytest.fixture
def secret_box(secret_key: str) -> SecretBox:
    return SecretBox(secret_key)


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each test copies the file instead of running the migrations again."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, _migrated_sqlite_template: Path) -> str:
    """A migrated, empty SQLite file database of this test's own."""
    path = tmp_path / "channelhub.db"
    shutil.copyfile(_migrated_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[sa.Engine]:
    engine = create_database_engine(sqlite_url)
    yield engine
    engine.dispose()


# --- PostgreSQL -----------------------------------------------------------------------------


def _postgres_unreachable(reason: str) -> NoReturn:
    message = "PostgreSQL not reachable on 127.0.0.1:5432"
    if os.environ.get("CI"):
        pytest.fail(f"{message} ({reason}); CI must run the PostgreSQL tests")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway, migrated database on the local server; dropped when the session ends."""
    admin_url = f"{POSTGRES_SERVER}/postgres"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _postgres_unreachable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    name = f"channelhub_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = f"{POSTGRES_SERVER}/{name}"
        try:
            upgrade_database(url)
            yield url
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def _postgres_shared_engine(postgres_url: str) -> Iterator[sa.Engine]:
    engine = create_database_engine(postgres_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: sa.Engine) -> None:
    names = ", ".join(table.name for table in ALL_TABLES)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def postgres_engine(_postgres_shared_engine: sa.Engine) -> sa.Engine:
    """The session's PostgreSQL database, every table emptied before this test."""
    _empty_all_tables(_postgres_shared_engine)
    return _postgres_shared_engine


@pytest.fixture
def fresh_postgres_url(postgres_url: str, _postgres_shared_engine: sa.Engine) -> str:
    """The session database's URL, every table emptied before this test (for apps that build
    their own engine from a URL)."""
    _empty_all_tables(_postgres_shared_engine)
    return postgres_url


# --- Redis ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _redis_server() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_SERVER, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        message = "Redis not reachable on 127.0.0.1:6379"
        if os.environ.get("CI"):
            pytest.fail(f"{message} ({exc}); CI must run the Redis tests")
        pytest.skip(message)
    yield client
    client.close()


@pytest.fixture
def redis_queue_url(_redis_server: redis.Redis) -> Iterator[str]:
    """A `CHANNELHUB_QUEUE_URL` with a namespace of this test's own; its keys go afterwards."""
    namespace = f"channelhub-test-{uuid.uuid4().hex[:12]}"
    yield f"{REDIS_SERVER}?namespace={namespace}"
    keys = list(_redis_server.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        _redis_server.delete(*keys)
