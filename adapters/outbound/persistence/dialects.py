"""The dialect-specific `INSERT ... ON CONFLICT` both supported databases have."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_conflict(
    connection: sa.Connection,
    table: sa.Table,
    values: dict[str, Any],
    conflict_on: Sequence[str],
    where: sa.ColumnElement[bool] | sa.TextClause | None = None,
) -> bool:
    """Insert unless a row with the same `conflict_on` exists; True when the row was inserted.

    `where` names a partial unique index by its predicate (both databases need it to pick one).
    """
    name = connection.dialect.name
    statement: Any
    if name == "postgresql":
        statement = postgresql.insert(table).values(values)
    elif name == "sqlite":
        statement = sqlite.insert(table).values(values)
    else:
        raise NotImplementedError(f"no INSERT ... ON CONFLICT support for {name}")
    statement = statement.on_conflict_do_nothing(
        index_elements=list(conflict_on), index_where=where
    )
    # SQLAlchemy keeps an INSERT's rowcount only when asked to.
    result = connection.execute(statement.execution_options(preserve_rowcount=True))
    return result.rowcount == 1
