"""Twilio's error answers into the sender port's errors, by Twilio's error code.

Twilio answers in two shapes: the legacy `{"code", "message", "more_info", "status"}` and, from
newer services, an RFC 9457 problem `{"type", "title", "status", "code", "detail", "instance"}`.
Both are read; `external_error` then reads `code: message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adapters.outbound.http_client import HttpAnswer, parse_retry_after, reason_from_body
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientUnreachable,
)

TOO_MANY_REQUESTS = 20429
# 63017/63018: the account's or the WhatsApp sender's rate limit; waiting is the remedy.
RETRYABLE_CODES = frozenset({TOO_MANY_REQUESTS, 63017, 63018})
CREDENTIAL_CODES = frozenset({20003})
# The contact replied STOP: nothing reaches them until they reply START.
UNSUBSCRIBED = 21610
OUTSIDE_WINDOW = 63016
_CODE_IN_TYPE = re.compile(r"/(\d{5})/?$")


@dataclass(frozen=True)
class TwilioError:
    code: int | None
    message: str


def twilio_error(payload: object) -> TwilioError | None:
    """The code and message of either error shape; None when the body is neither."""
    if not isinstance(payload, Mapping):
        return None
    code = _code(payload.get("code"))
    if code is None and isinstance(payload.get("type"), str):
        found = _CODE_IN_TYPE.search(payload["type"])
        code = int(found.group(1)) if found else None
    message = next(
        (
            payload[key].strip()
            for key in ("message", "detail", "title")
            if isinstance(payload.get(key), str) and payload[key].strip()
        ),
        None,
    )
    if code is None and message is None:
        return None
    return TwilioError(code, message or "Twilio error")


def error_for_twilio_answer(
    answer: HttpAnswer, redact: Iterable[str] = ()
) -> ChannelRejected | ChannelUnavailable | None:
    """None for a 2xx; otherwise the port error the answer means."""
    if answer.ok:
        return None
    secrets = [s for s in redact if s]
    error = twilio_error(answer.json())
    code = error.code if error else None
    message = _redacted(
        error.message if error else reason_from_body(answer) or f"HTTP {answer.status}", secrets
    )
    described = f"{code}: {message}" if code is not None else message
    if code in RETRYABLE_CODES or answer.status in (408, 429) or answer.status >= 500:
        return ChannelUnavailable(
            described,
            retry_after=parse_retry_after(_header(answer.headers, "retry-after")),
            details={"code": str(code or ""), "status": str(answer.status)},
        )
    code_text = str(code if code is not None else answer.status)
    if code in CREDENTIAL_CODES or (code is None and answer.status == 401):
        return ChannelCredentialsInvalid(message, code=code_text)
    if code == UNSUBSCRIBED:
        return RecipientUnreachable(message, code=code_text)
    if code == OUTSIDE_WINDOW:
        message += " (outside the 24-hour WhatsApp window only a template may be sent)"
    return ChannelRejected(message, code=code_text)


def _code(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _redacted(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return " ".join(text.split())[:300]
