"""The webhook hot path's statements, compiled once per dialect and run on the driver's cursor.

Every webhook runs the same handful of statements. Built once, SQLAlchemy no longer constructs
them, but each execution still goes through its machinery (execution context, events, parameter
and result bookkeeping): about 20 µs for the duplicate check on SQLite, where the driver's own
call takes 2 µs, and a webhook runs six such statements (docs/performance.md).

`PreparedStatement` keeps what matters from SQLAlchemy - the SQL it compiles for the dialect and
its types' bind and result processors, so values go in and come out exactly as through
`Connection.execute` - and hands the parameters straight to the driver. Errors are wrapped as
SQLAlchemy wraps them (IntegrityError, StatementError, ...). These statements do not pass
through SQLAlchemy's execution events, so `echo` does not log them.

Only plain statements are accepted (no IN-list expansion, no literal rendering), and the
transaction is SQLAlchemy's: a statement begins it as `Connection.execute` would.
"""

from __future__ import annotations

import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None


class PreparedStatement:
    """A Core SELECT, INSERT or UPDATE whose compiled form is worked out once per dialect.

    For an INSERT or UPDATE without `.values()`, the columns are the parameters' keys, as with
    `Connection.execute(statement, parameters)`; one compiled form is kept per set of keys.
    """

    def __init__(self, statement: sa.Select[Any] | sa.Insert | sa.Update) -> None:
        self._statement = statement
        self._is_select = isinstance(statement, sa.Select)
        self._plans: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, ...] | None, _Plan]]
        self._plans = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def first(self, connection: sa.Connection, parameters: Mapping[str, Any]) -> Any | None:
        """The first row (attributes named as the selected columns), or None."""
        plan = self._plan(connection.dialect, None)
        return plan.run(connection, parameters, fetch=True)

    def execute(self, connection: sa.Connection, parameters: Mapping[str, Any]) -> int:
        """Run an INSERT or UPDATE; the number of rows it touched."""
        plan = self._plan(connection.dialect, tuple(parameters))
        return int(plan.run(connection, parameters, fetch=False))

    def execute_many(self, connection: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an INSERT or UPDATE once per row, in one driver call; every row has the same keys."""
        if rows:
            plan = self._plan(connection.dialect, tuple(rows[0]))
            plan.run_many(connection, rows)

    def _plan(self, dialect: Dialect, keys: tuple[str, ...] | None) -> _Plan:
        plans = self._plans.get(dialect)
        plan = None if plans is None else plans.get(keys)
        if plan is None:
            with self._lock:
                plans = self._plans.setdefault(dialect, {})
                plan = plans.get(keys)
                if plan is None:
                    plan = plans[keys] = _Plan(self._statement, dialect, keys, self._is_select)
        return plan


class _Plan:
    """One statement compiled for one dialect (and, for DML, one set of columns)."""

    def __init__(
        self,
        statement: Any,
        dialect: Dialect,
        column_keys: Sequence[str] | None,
        is_select: bool,
    ) -> None:
        compiled: Any = statement.compile(
            dialect=dialect, column_keys=None if column_keys is None else list(column_keys)
        )
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a prepared statement cannot expand or render parameters")
        if compiled.escaped_bind_names:
            raise ValueError("a prepared statement needs plain parameter names")
        self.sql: str = compiled.string
        self.dialect = dialect
        self.positional = bool(compiled.positional)
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        self.names: list[str] = compiled.positiontup if self.positional else list(binds)
        # Values fixed in the statement itself (a literal compared with, a LIMIT).
        self.fixed = {name: bind.value for name, bind in binds.items() if bind.value is not None}
        self.processors: list[Processor] = [
            binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names
        ]
        self.columns = list(statement.selected_columns) if is_select else []
        self.row = namedtuple("row", [c.key for c in self.columns]) if is_select else None
        self._results: dict[tuple[Any, ...], list[Processor]] = {}

    def run(self, connection: sa.Connection, parameters: Mapping[str, Any], *, fetch: bool) -> Any:
        pooled = self._pooled(connection)
        bound = self._bound(connection, parameters)
        cursor = None
        try:
            cursor = pooled.cursor()
            cursor.execute(self.sql, bound)
            if not fetch:
                return cursor.rowcount
            raw = cursor.fetchone()
            description = cursor.description
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(connection, exc, bound, cursor) from exc
        finally:
            if cursor is not None:
                cursor.close()
        if raw is None:
            return None
        assert self.row is not None
        processors = self._result_processors(description)
        return self.row(*(v if p is None else p(v) for v, p in zip(raw, processors, strict=True)))

    def run_many(self, connection: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        pooled = self._pooled(connection)
        bound = [self._bound(connection, row) for row in rows]
        cursor = None
        try:
            cursor = pooled.cursor()
            cursor.executemany(self.sql, bound)
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(connection, exc, bound, cursor) from exc
        finally:
            if cursor is not None:
                cursor.close()

    @staticmethod
    def _pooled(connection: sa.Connection) -> Any:
        if not connection.in_transaction():
            connection.begin()  # as Connection.execute would: on SQLite, BEGIN IMMEDIATE
        return connection.connection  # raises SQLAlchemy's own error when closed or invalid

    def _bound(self, connection: sa.Connection, parameters: Mapping[str, Any]) -> Any:
        values = {**self.fixed, **parameters} if self.fixed else parameters
        try:
            processed = [
                values[name] if processor is None else processor(values[name])
                for name, processor in zip(self.names, self.processors, strict=True)
            ]
        except Exception as exc:
            raise self._wrapped(connection, exc, None, None) from exc
        return processed if self.positional else dict(zip(self.names, processed, strict=True))

    def _result_processors(self, description: Sequence[Sequence[Any]]) -> list[Processor]:
        # Processors may depend on the driver's type codes, as SQLAlchemy's do; SQLite's driver
        # reports none, so there one list serves every row.
        key = () if self.dialect.name == "sqlite" else tuple(column[1] for column in description)
        processors = self._results.get(key)
        if processors is None:
            processors = self._results[key] = [
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, code)
                for column, code in zip(
                    self.columns, key or [None] * len(self.columns), strict=True
                )
            ]
        return processors

    def _wrapped(
        self, connection: sa.Connection, exc: Exception, bound: Any, cursor: Any
    ) -> BaseException:
        """The exception `Connection.execute` raises for `exc` (and the invalidation it does)."""
        dbapi_error = self.dialect.loaded_dbapi.Error
        disconnected = isinstance(exc, dbapi_error) and self.dialect.is_disconnect(
            exc, connection.connection.dbapi_connection, cursor
        )
        wrapped = sa.exc.DBAPIError.instance(
            self.sql,
            bound,
            exc,
            dbapi_error,
            hide_parameters=connection.engine.hide_parameters,
            connection_invalidated=disconnected,
            dialect=self.dialect,
        )
        if disconnected:
            connection.invalidate(exc)
        return wrapped
