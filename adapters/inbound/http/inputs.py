"""Reading a request's JSON body and query parameters, refusing bad ones with a 4xx problem."""

from __future__ import annotations

import json
import re

from flask import request

from adapters.inbound.http.problem import Problem
from domain.errors import FieldError, InvalidInput

_INTEGER = re.compile(r"-?[0-9]{1,9}")


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def json_body() -> object:
    """The parsed body; the use case validates its shape (any JSON value may arrive here)."""
    if not _is_json(request.mimetype):
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            "the body must be JSON (Content-Type: application/json)",
        )
    # get_data enforces MAX_CONTENT_LENGTH (413) before anything is parsed.
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSON syntax, bad UTF-8 and oversized integers.
        detail = "the body is not valid JSON"
        if isinstance(exc, json.JSONDecodeError):
            detail += f": {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise Problem(400, "malformed-json", "Malformed JSON", detail) from None


def query_text(name: str) -> str | None:
    value = request.args.get(name)
    return value if value else None


def query_int(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    # Stricter than int(): no spaces, underscores or 5000-digit numbers.
    if not _INTEGER.fullmatch(value):
        raise InvalidInput(
            f"invalid query parameter {name!r}", [FieldError(name, "must be an integer")]
        )
    return int(value)
