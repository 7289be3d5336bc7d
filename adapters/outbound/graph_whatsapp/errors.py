"""Graph API answers into the sender port's errors, by Graph's `error.code`, not HTTP status:
Graph answers most errors, throttling included, with HTTP 400."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.outbound.http_client import (
    HttpAnswer,
    error_for_answer,
    parse_retry_after,
    reason_from_body,
)
from domain.errors import ChannelCredentialsInvalid, ChannelRejected, ChannelUnavailable

# Throughput, pair-rate, spam-rate, app- and account-level rate limits, and Graph's own
# "temporary, try again" codes: all worth another attempt after a backoff.
RETRYABLE_CODES = frozenset(
    {1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
)
# The access token expired or was revoked: no retry helps until the inbox gets a new one.
CREDENTIAL_CODES = frozenset({190})
WINDOW_CLOSED_CODE = 131047
_CODE_PREFIX = re.compile(r"^\(#\d+\)\s*")


@dataclass(frozen=True)
class GraphError:
    code: int
    message: str
    details: str | None = None
    transient: bool = False


def graph_error(payload: object) -> GraphError | None:
    """The `error` object of Graph's envelope, or None for any other body."""
    if not isinstance(payload, Mapping):
        return None
    error = payload.get("error")
    if not isinstance(error, Mapping):
        return None
    code = _code(error.get("code"))
    if code is None:
        return None
    message = error.get("message")
    message = _CODE_PREFIX.sub("", message).strip() if isinstance(message, str) else ""
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, Mapping) else None
    return GraphError(
        code=code,
        message=message or error_title(error) or "Graph API error",
        details=details if isinstance(details, str) and details else None,
        transient=error.get("is_transient") is True,
    )


def error_title(error: Mapping[str, Any]) -> str | None:
    title = error.get("error_user_title") or error.get("title") or error.get("type")
    return title if isinstance(title, str) and title else None


def _code(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def error_for_graph_answer(
    answer: HttpAnswer, redact: Iterable[str] = ()
) -> ChannelRejected | ChannelUnavailable | None:
    """None for a 2xx; otherwise the port error the answer means, its text `code: message`."""
    if answer.ok:
        return None
    secrets = [s for s in redact if s]
    error = graph_error(answer.json())
    if error is None:
        if answer.status == 401:
            # 360dialog answers an unknown D360-API-KEY with a bare 401.
            reason = _redacted(reason_from_body(answer) or _meta_reason(answer), secrets)
            return ChannelCredentialsInvalid(reason or "the API key was refused", code="401")
        return error_for_answer(answer, reason_of=_any_reason, redact=secrets)
    message = _redacted(error.message, secrets)
    retry_after = parse_retry_after(_header(answer.headers, "retry-after"))
    if error.code in CREDENTIAL_CODES:
        return ChannelCredentialsInvalid(message, code=str(error.code))
    if error.code in RETRYABLE_CODES or error.transient or answer.status >= 500:
        return ChannelUnavailable(
            f"{error.code}: {message}",
            retry_after=retry_after,
            details={"code": str(error.code), "status": str(answer.status)},
        )
    if error.code == WINDOW_CLOSED_CODE:
        message = (
            f"{message} (the 24-hour customer-service window is closed: "
            "only a template may be sent)"
        )
    return ChannelRejected(message, code=str(error.code))


def _any_reason(answer: HttpAnswer) -> str | None:
    return reason_from_body(answer) or _meta_reason(answer)


def _meta_reason(answer: HttpAnswer) -> str | None:
    """360dialog's own errors: `{"meta": {"developer_message": ...}}`."""
    payload = answer.json()
    meta = payload.get("meta") if isinstance(payload, Mapping) else None
    if isinstance(meta, Mapping):
        for key in ("developer_message", "message"):
            if isinstance(meta.get(key), str) and meta[key]:
                return str(meta[key])
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _redacted(text: str | None, secrets: Iterable[str]) -> str:
    text = text or ""
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return " ".join(text.split())[:300]
