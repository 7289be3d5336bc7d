"""Keyset pagination over `(time column, id)`, with the domain's opaque cursors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa

from adapters.outbound.persistence.tables import UtcDateTime
from domain.errors import FieldError, InvalidInput
from domain.pagination import Cursor, Page

T = TypeVar("T")


def decode_cursor(value: str | None) -> Cursor | None:
    cursor = Cursor.decode(value)
    if cursor is not None and cursor.at.tzinfo is None:
        raise InvalidInput("invalid cursor", [FieldError("cursor", "is not valid")])
    return cursor


def paginate(
    statement: sa.Select[tuple[object, ...]],
    at: sa.ColumnElement[datetime],
    id_: sa.ColumnElement[str],
    *,
    descending: bool,
    cursor: str | None,
) -> sa.Select[tuple[object, ...]]:
    """Order by `(at, id)` and start after the cursor; the caller limits to `limit + 1`."""
    position = decode_cursor(cursor)
    if position is not None:
        key = sa.tuple_(at, id_)
        bound = sa.tuple_(
            sa.literal(position.at, UtcDateTime()), sa.literal(position.id, sa.String())
        )
        statement = statement.where(key < bound if descending else key > bound)
    if descending:
        return statement.order_by(at.desc(), id_.desc())
    return statement.order_by(at.asc(), id_.asc())


def page_of(rows: Sequence[T], limit: int, key: Callable[[T], tuple[datetime, str]]) -> Page[T]:
    """`rows` were fetched with `limit + 1`: the extra one says whether a next page exists."""
    items = list(rows[:limit])
    if len(rows) <= limit or not items:
        return Page(items, None)
    at, id_ = key(items[-1])
    return Page(items, Cursor(at, id_).encode())
