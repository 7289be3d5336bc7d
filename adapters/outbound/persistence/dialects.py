"""The dialect-specific `INSERT ... ON CONFLICT` both supported databases have."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.outbound.persistence.prepared import PreparedStatement

Predicate = sa.ColumnElement[bool] | sa.TextClause

# Built once per (dialect, table, conflict target, predicate): every webhook inserts its message
# this way (see prepared.py). The key holds `id(where)`; the entry keeps `where` alive, so that
# id cannot be reused while the entry exists.
_statements: dict[tuple[str, sa.Table, tuple[str, ...], int], tuple[PreparedStatement, Any]] = {}
_statements_lock = threading.Lock()


def insert_ignoring_conflict(
    connection: sa.Connection,
    table: sa.Table,
    values: dict[str, Any],
    conflict_on: Sequence[str],
    where: Predicate | None = None,
) -> bool:
    """Insert unless a row with the same `conflict_on` exists; True when the row was inserted.

    `where` names a partial unique index by its predicate (both databases need it to pick one).
    """
    statement = _statement(connection.dialect.name, table, tuple(conflict_on), where)
    return statement.execute(connection, values) == 1


def _statement(
    name: str, table: sa.Table, conflict_on: tuple[str, ...], where: Predicate | None
) -> PreparedStatement:
    key = (name, table, conflict_on, id(where))
    cached = _statements.get(key)
    if cached is not None:
        return cached[0]
    insert: Any
    if name == "postgresql":
        insert = postgresql.insert(table)
    elif name == "sqlite":
        insert = sqlite.insert(table)
    else:
        raise NotImplementedError(f"no INSERT ... ON CONFLICT support for {name}")
    insert = insert.on_conflict_do_nothing(index_elements=list(conflict_on), index_where=where)
    with _statements_lock:
        return _statements.setdefault(key, (PreparedStatement(insert), where))[0]
