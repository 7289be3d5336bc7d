"""Typed reads from an untrusted Update: a value of the wrong type is `MalformedWebhook` naming
its path, never a KeyError or TypeError."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.errors import MalformedWebhook

# Telegram ids fit in 52 bits; anything far larger is not an id (and would not round-trip).
_MAX_ID = 2**63


def load_object(body: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        # UnicodeDecodeError is a ValueError; RecursionError comes from absurdly deep nesting.
        raise MalformedWebhook("the body is not valid JSON") from None
    return object_at(payload, "the update")


def object_at(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise MalformedWebhook(f"{where} must be a JSON object")
    return value


def optional_object(value: object, where: str) -> Mapping[str, Any] | None:
    return None if value is None else object_at(value, where)


def array_at(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedWebhook(f"{where} must be an array")
    return value


def optional_array(value: object, where: str) -> list[Any]:
    return [] if value is None else array_at(value, where)


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


def optional_text(value: object, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedWebhook(f"{where} must be a string")


def number_at(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedWebhook(f"{where} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise MalformedWebhook(f"{where} must be a finite number")
    return number


def unix_time(value: object, where: str) -> datetime | None:
    """Telegram's dates are unix seconds; 0 means unknown (an inaccessible message)."""
    if value is None or (type(value) is int and value == 0):
        return None
    seconds = integer_at(value, where)
    if not 0 < seconds < 10**11:
        raise MalformedWebhook(f"{where} must be unix seconds")
    return datetime.fromtimestamp(seconds, UTC)
