"""Typed reads from Graph webhook JSON: the shared readers, plus Graph's own (non-blank text,
unix seconds as strings)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from adapters.outbound.webhook_json import (
    array_at,
    load_object,
    number_at,
    object_at,
    optional_array,
    optional_object,
    optional_text,
)
from domain.errors import MalformedWebhook

_UNIX_SECONDS = re.compile(r"[0-9]{1,11}")


def text_at(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedWebhook(f"{where} must be a non-empty string")
    return value


def unix_time(value: object, where: str) -> datetime | None:
    """Graph sends unix seconds as strings; integers are taken too."""
    if value is None:
        return None
    if isinstance(value, str) and _UNIX_SECONDS.fullmatch(value):
        return datetime.fromtimestamp(int(value), UTC)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        return datetime.fromtimestamp(value, UTC)
    raise MalformedWebhook(f"{where} must be unix seconds")


__all__ = [
    "array_at",
    "load_object",
    "number_at",
    "object_at",
    "optional_array",
    "optional_object",
    "optional_text",
    "text_at",
    "unix_time",
]
