"""What every channel plugin's provider simulator offers the contract suites.

A simulator plays the provider (or, for the `api` channel, the user's backend): an aiohttp app
that takes what the plugin's sender sends and answers the provider's way, can be told to fail,
and makes webhook requests signed the provider's way for a given channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from aiohttp import web

from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

# Parsers must not care which URL a webhook came to unless the provider signs it (Twilio does).
DEFAULT_WEBHOOK_URL = "http://127.0.0.1:8000/webhooks/test/inbox-key"


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the simulated provider received it, normalised for the suites.

    `payload` is what the provider got, in its own shape (parsed JSON or form fields).
    """

    recipient_id: str | None
    text: str | None
    payload: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class ProviderSimulator(Protocol):
    # A recipient id this provider accepts (a phone number, a chat id...).
    recipient_id: str
    # The request headers that carry the webhook's authentication; the suites remove them.
    auth_headers: frozenset[str]
    # Whether the authentication covers the body (an HMAC does; a shared secret header does not).
    signs_body: bool

    @property
    def received(self) -> Sequence[ReceivedMessage]:
        """What the sender delivered so far, oldest first (failed attempts are not kept)."""
        ...

    def app(self) -> web.Application:
        """The simulated provider API; the suites serve it on loopback."""
        ...

    def channel_config(self, base_url: str) -> dict[str, Any]:
        """A valid channel config (secrets included) that points the plugin at `base_url`."""
        ...

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None
    ) -> None:
        """Answer the next `times` sends with `status` (and Retry-After), the provider's way."""
        ...

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """A signed webhook carrying one incoming text message."""
        ...

    def status_update(
        self,
        channel: Channel,
        *,
        source_id: str,
        status: str,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest | None:
        """A signed status webhook for our message `source_id`; None if the provider has none."""
        ...

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        """Any body, authenticated the provider's way: for fuzzing what comes after verify."""
        ...
