"""Keyset pagination over lists, with the same cursors as the SQL adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from domain.errors import FieldError, InvalidInput
from domain.pagination import Cursor, Page

T = TypeVar("T")


def paginate(
    items: Iterable[T],
    key: Callable[[T], tuple[datetime, str]],
    *,
    descending: bool,
    cursor: str | None,
    limit: int,
) -> Page[T]:
    ordered = sorted(items, key=key, reverse=descending)
    position = Cursor.decode(cursor)
    if position is not None:
        if position.at.tzinfo is None:
            raise InvalidInput("invalid cursor", [FieldError("cursor", "is not valid")])
        after = (position.at, position.id)
        ordered = [i for i in ordered if (key(i) < after if descending else key(i) > after)]
    page = ordered[:limit]
    if len(ordered) <= limit or not page:
        return Page(page, None)
    at, id_ = key(page[-1])
    return Page(page, Cursor(at, id_).encode())
