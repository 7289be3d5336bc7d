"""Typed reads from untrusted webhook JSON: a value of the wrong type is `MalformedWebhook`, with
the path of the value in the message, never a KeyError or TypeError."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.errors import MalformedWebhook

_UNIX_SECONDS = re.compile(r"[0-9]{1,11}")


def load_object(body: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        # UnicodeDecodeError is a ValueError; RecursionError comes from absurdly deep nesting.
        raise MalformedWebhook("the body is not valid JSON") from None
    return object_at(payload, "the body")


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


def text_at(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
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
    """Graph sends unix seconds as strings; integers are taken too."""
    if value is None:
        return None
    if isinstance(value, str) and _UNIX_SECONDS.fullmatch(value):
        return datetime.fromtimestamp(int(value), UTC)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        return datetime.fromtimestamp(value, UTC)
    raise MalformedWebhook(f"{where} must be unix seconds")
