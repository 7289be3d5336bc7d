"""Typed reads from untrusted webhook JSON, shared by the providers' parsers: a value of the
wrong type is `MalformedWebhook` naming its path, never a KeyError or TypeError."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from domain.errors import MalformedWebhook


def load_object(body: bytes, what: str = "the body") -> Mapping[str, Any]:
    """The body parsed as a JSON object; `what` names it in the refusal."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        # UnicodeDecodeError is a ValueError; RecursionError comes from absurdly deep nesting.
        raise MalformedWebhook("the body is not valid JSON") from None
    return object_at(payload, what)


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
