"""Sending through parrot: `POST {api_base_url}/v2/sms` with an `X-Parrot-Key` header.

The JSON body is `{"from", "msisdn", "body"}`; an accepted message answers 202 with
`{"sms": {"ref": "..."}}`, an error `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from domain.channels import Channel, ChannelCapabilities
from domain.errors import ChannelRejected, ChannelUnavailable
from domain.ports.senders import DeliveryReceipt, OutboundMessage

PARROT_CAPABILITIES = ChannelCapabilities(max_text_length=918)  # six concatenated SMS
RETRYABLE = {408, 425, 429}


class ParrotSender:
    capabilities = PARROT_CAPABILITIES

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        endpoint = f"{str(channel.get('api_base_url')).rstrip('/')}/v2/sms"
        payload = {
            "from": channel.get("sender_id"),
            "msisdn": message.recipient_id,
            "body": message.content or "",
        }
        try:
            async with self._session.post(
                endpoint, json=payload, headers={"X-Parrot-Key": str(channel.get("api_key"))}
            ) as response:
                status = response.status
                retry_after = _seconds(response.headers.get("Retry-After"))
                answer = await _json_or_none(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ChannelUnavailable(f"parrot is unreachable ({type(exc).__name__})") from None
        if status >= 500 or status in RETRYABLE:
            raise ChannelUnavailable(f"parrot answered HTTP {status}", retry_after=retry_after)
        if status >= 400:
            code, reason = _error(answer, status)
            raise ChannelRejected(reason, code=code)
        ref = _ref(answer)
        if ref is None:
            # Accepted, but without an id we cannot match receipts: still a delivery.
            return DeliveryReceipt(None)
        return DeliveryReceipt(ref)


async def _json_or_none(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None


def _seconds(header: str | None) -> float | None:
    if header is None:
        return None
    try:
        value = float(header)
    except ValueError:
        return None  # an HTTP date: let the caller's backoff decide
    return value if value >= 0 else None


def _ref(answer: Any) -> str | None:
    sms = answer.get("sms") if isinstance(answer, dict) else None
    ref = sms.get("ref") if isinstance(sms, dict) else None
    return str(ref) if isinstance(ref, str | int) and str(ref) else None


def _error(answer: Any, status: int) -> tuple[str, str]:
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict):
        return str(error.get("code", status)), str(error.get("message", "refused"))
    return str(status), f"parrot refused the message (HTTP {status})"
