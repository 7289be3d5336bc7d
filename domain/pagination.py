"""Opaque cursors for keyset pagination, shared by every repository implementation."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from domain.errors import FieldError, InvalidInput

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class Cursor:
    """A position after (or before) the row with this sort key and id."""

    at: datetime
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.at.isoformat(), self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            at, id_ = json.loads(raw)
            return cls(datetime.fromisoformat(at), str(id_))
        except (ValueError, TypeError) as exc:
            raise InvalidInput("invalid cursor", [FieldError("cursor", "is not valid")]) from exc


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput("invalid limit", [FieldError("limit", f"must be 1..{MAX_LIMIT}")])
    return limit
