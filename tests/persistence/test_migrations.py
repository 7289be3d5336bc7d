"""Alembic migrations build exactly tables.py, on SQLite and PostgreSQL, however often they run."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from adapters.outbound.persistence import create_database_engine, tables, upgrade_database
from adapters.outbound.persistence.migration import alembic_config, current_revision
from adapters.outbound.persistence.tables import ALL_TABLES, metadata

EXPECTED_TABLES = {table.name for table in ALL_TABLES} | {"alembic_version"}
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest) -> str:
    name = "empty_sqlite_url" if request.param == "sqlite" else "empty_postgres_url"
    return str(request.getfixturevalue(name))


def schema_diff(url: str, target: sa.MetaData = metadata) -> list[object]:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def test_there_is_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_upgrade_builds_every_table_on_an_empty_database(empty_url: str) -> None:
    upgrade_database(empty_url)

    assert table_names(empty_url) == EXPECTED_TABLES
    assert revision_of(empty_url) == HEAD


def test_the_migrations_build_exactly_what_tables_py_describes(empty_url: str) -> None:
    upgrade_database(empty_url)

    assert schema_diff(empty_url) == []


def test_the_comparison_notices_a_schema_that_differs(empty_url: str) -> None:
    # Without this, an empty diff could mean the comparison looks at nothing.
    upgrade_database(empty_url)
    changed = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["messages"].append_column(sa.Column("surprise", sa.Integer))

    diff = schema_diff(empty_url, changed)

    assert [entry[0] for entry in diff] == ["add_column"]  # type: ignore[index]


def test_upgrading_again_changes_nothing(empty_url: str) -> None:
    upgrade_database(empty_url)
    upgrade_database(empty_url)

    assert revision_of(empty_url) == HEAD
    assert schema_diff(empty_url) == []


# Imports first, then every process waits for the same moment: the upgrades really overlap.
UPGRADE_AT = """
import sys, time
from adapters.outbound.persistence import upgrade_database
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
upgrade_database(sys.argv[1])
"""


def test_processes_upgrading_one_database_at_once_all_succeed(empty_url: str) -> None:
    # Several servers and workers starting together each run the migrations.
    start_at = str(time.time() + 2.5)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE_AT, empty_url, start_at], stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(stderr.decode(errors="replace")[-2000:])

    assert failures == []
    assert revision_of(empty_url) == HEAD
    assert schema_diff(empty_url) == []


def test_downgrade_to_base_and_upgrade_again(empty_sqlite_url: str) -> None:
    from alembic import command

    upgrade_database(empty_sqlite_url)
    engine = create_database_engine(empty_sqlite_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
    finally:
        engine.dispose()
    assert table_names(empty_sqlite_url) == {"alembic_version"}

    upgrade_database(empty_sqlite_url)

    assert schema_diff(empty_sqlite_url) == []


def test_upgrade_works_from_any_working_directory(
    empty_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    upgrade_database(empty_sqlite_url)

    assert revision_of(empty_sqlite_url) == HEAD


def test_upgrade_creates_the_sqlite_files_directory(empty_sqlite_url: str) -> None:
    path = Path(sa.make_url(empty_sqlite_url).database or "")
    assert not path.parent.exists()

    upgrade_database(empty_sqlite_url)

    assert path.is_file()


def _predicate(value: object) -> str:
    text = str(value).lower().replace("::text", "")
    return re.sub(r"[\s()]", "", text)


def test_partial_indexes_keep_their_conditions(empty_url: str) -> None:
    # The autogenerate comparison does not look at index conditions; this does.
    upgrade_database(empty_url)
    engine = create_database_engine(empty_url)
    prefix = engine.dialect.name
    try:
        inspector = sa.inspect(engine)
        reflected = {
            index["name"]: _predicate(index["dialect_options"].get(f"{prefix}_where"))
            for table in ("conversations", "messages")
            for index in inspector.get_indexes(table)
        }
    finally:
        engine.dispose()
    expected = {
        index.name: _predicate(index.dialect_options[prefix]["where"])
        for table in (tables.conversations, tables.messages)
        for index in table.indexes
        if index.dialect_options[prefix]["where"] is not None
    }

    assert set(expected) == {
        "uq_conversations_active_contact_inbox",
        "ix_messages_pending_delivery",
        "ix_messages_media_pending",
    }
    assert {name: reflected[name] for name in expected} == expected
