"""The HTTP client every channel sender shares, and the one translation of HTTP outcomes into
the sender port's errors (`ChannelUnavailable` worth retrying, `ChannelRejected` for good).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from domain.errors import ChannelRejected, ChannelUnavailable

CONNECT_TIMEOUT_SECONDS = 10.0
TOTAL_TIMEOUT_SECONDS = 30.0
# A provider that asks for more than a day is misbehaving; the retry policy's cap is minutes.
MAX_RETRY_AFTER_SECONDS = 24 * 3600.0
MAX_REASON_LENGTH = 200


def create_client_session(
    *,
    limit: int = 100,
    limit_per_host: int = 20,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    total_timeout: float = TOTAL_TIMEOUT_SECONDS,
) -> aiohttp.ClientSession:
    """One pooled session per worker loop; call it on the loop that will use it."""
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=limit_per_host, ttl_dns_cache=300)
    timeout = aiohttp.ClientTimeout(
        total=total_timeout, connect=connect_timeout, sock_connect=connect_timeout
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        headers={"User-Agent": "channelhub"},
        raise_for_status=False,
    )


@dataclass(frozen=True)
class HttpAnswer:
    """A provider's answer, read in full so that nothing needs the connection afterwards."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None


ReasonOf = Callable[[HttpAnswer], str | None]


async def send_request(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    reason_of: ReasonOf | None = None,
    redact: Iterable[str] = (),
    check: bool = True,
    **kwargs: Any,
) -> HttpAnswer:
    """Make one request; network failures raise `ChannelUnavailable`.

    With `check` (the default) a non-2xx answer raises too (see `raise_for_answer`); a sender
    whose provider hides errors in 2xx bodies, or retryable ones in 4xx, passes `check=False`.
    `redact` names values (the channel's secrets) that must never appear in a reason.
    """
    secrets = [s for s in redact if s]
    try:
        async with session.request(method, url, **kwargs) as response:
            answer = HttpAnswer(response.status, dict(response.headers), await response.read())
    except aiohttp.InvalidURL:
        # A URL that cannot be requested stays unrequestable: retrying would only delay the truth.
        raise ChannelRejected("the provider URL is not valid", code="invalid_url") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise unavailable_from(exc, secrets) from None
    if check:
        raise_for_answer(answer, reason_of=reason_of, redact=secrets)
    return answer


def raise_for_answer(
    answer: HttpAnswer, *, reason_of: ReasonOf | None = None, redact: Iterable[str] = ()
) -> None:
    """Raise the port error a non-2xx answer means; return quietly for a 2xx."""
    error = error_for_answer(answer, reason_of=reason_of, redact=redact)
    if error is not None:
        raise error


def error_for_answer(
    answer: HttpAnswer, *, reason_of: ReasonOf | None = None, redact: Iterable[str] = ()
) -> ChannelRejected | ChannelUnavailable | None:
    """429, 408 and 5xx are worth retrying (honouring Retry-After); any other non-2xx is final."""
    if answer.ok:
        return None
    described = (reason_of or reason_from_body)(answer)
    reason = _short(described or f"the provider answered HTTP {answer.status}", redact)
    if answer.status in (408, 429) or answer.status >= 500:
        retry_after = parse_retry_after(_header(answer.headers, "retry-after"))
        return ChannelUnavailable(
            reason, retry_after=retry_after, details={"status": str(answer.status)}
        )
    return ChannelRejected(reason, code=str(answer.status))


def unavailable_from(exc: BaseException, redact: Iterable[str] = ()) -> ChannelUnavailable:
    """A network failure as a retryable error, named without its URL (URLs can carry tokens)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = f"cannot connect to {exc.host}:{exc.port}"
    elif isinstance(exc, TimeoutError):
        reason = "the provider did not answer in time"
    else:
        reason = f"connection failed: {type(exc).__name__}"
    return ChannelUnavailable(_short(reason, redact))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def reason_from_body(answer: HttpAnswer) -> str | None:
    """The message of the common JSON error shapes; None for anything else."""
    payload = answer.json()
    if isinstance(payload, dict):
        return _message_in(payload)
    # Plain-text errors are kept; HTML error pages say nothing a reader of the message needs.
    text = " ".join(answer.body[:2000].decode("utf-8", "replace").split())
    if text and not text.startswith("<") and text.isprintable():
        return text
    return None


_MESSAGE_KEYS = ("message", "error_message", "error_description", "description", "detail", "title")


def _message_in(payload: Mapping[str, Any]) -> str | None:
    for key in _MESSAGE_KEYS:
        if isinstance(payload.get(key), str) and payload[key].strip():
            return str(payload[key])
    error = payload.get("error")
    if isinstance(error, str) and error.strip():
        return error
    if isinstance(error, Mapping):
        return _message_in(error)
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        return _message_in(errors[0])
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _short(reason: str, redact: Iterable[str]) -> str:
    for secret in redact:
        if secret:
            reason = reason.replace(secret, "[redacted]")
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON_LENGTH:
        reason = reason[: MAX_REASON_LENGTH - 3] + "..."
    return reason
