"""Typed reads from an untrusted Update: the shared readers, plus Telegram's own (integer ids,
unix-second dates where 0 means unknown)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.outbound import webhook_json
from adapters.outbound.webhook_json import (
    array_at,
    number_at,
    object_at,
    optional_array,
    optional_object,
    optional_text,
)
from domain.errors import MalformedWebhook

# Telegram ids fit in 52 bits; anything far larger is not an id (and would not round-trip).
_MAX_ID = 2**63


def integer_at(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= _MAX_ID:
        raise MalformedWebhook(f"{where} must be an integer")
    return value


def optional_integer(value: object, where: str) -> int | None:
    return None if value is None else integer_at(value, where)


def text_at(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedWebhook(f"{where} must be a non-empty string")
    return value


def unix_time(value: object, where: str) -> datetime | None:
    """Telegram's dates are unix seconds; 0 means unknown (an inaccessible message)."""
    if value is None or (type(value) is int and value == 0):
        return None
    seconds = integer_at(value, where)
    if not 0 < seconds < 10**11:
        raise MalformedWebhook(f"{where} must be unix seconds")
    return datetime.fromtimestamp(seconds, UTC)


def load_object(body: bytes) -> Mapping[str, Any]:
    return webhook_json.load_object(body, "the update")


__all__ = [
    "array_at",
    "integer_at",
    "load_object",
    "number_at",
    "object_at",
    "optional_array",
    "optional_integer",
    "optional_object",
    "optional_text",
    "text_at",
    "unix_time",
]
