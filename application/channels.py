"""The channel registry: one plugin per provider slug."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from domain.channels import (
    Channel,
    ChannelCapabilities,
    SendRate,
    build_config,
    secret_field_names,
)
from domain.errors import FieldError, InvalidInput, NotFound
from domain.ports.media import MediaFetcher
from domain.ports.senders import ChannelSender
from domain.ports.webhooks import InboundRequest, WebhookParser

# (channel, the inbox's webhook URL): tell the provider where to send webhooks (Telegram's
# setWebhook). Raises ChannelRejected / ChannelUnavailable like a sender.
WebhookRegistrar = Callable[[Channel, str], Awaitable[None]]
# (the `provider_ack` content attribute a parser left on a stored message, channel): a call the
# provider expects after an event is received (Telegram's answerCallbackQuery).
FollowUp = Callable[[Mapping[str, Any], Channel], Awaitable[None]]


@dataclass(frozen=True)
class ChannelPlugin:
    """Everything channelhub knows about one provider.

    `create_sender` receives the worker's HTTP client (an adapter detail the core never touches);
    `create_simulator` builds the provider simulator the contract suites and sandboxes use.
    `create_media_fetcher` (same HTTP client) turns provider media references into bytes.
    A provider that calls one URL for many inboxes (Meta: one callback per app) names the config
    field that identifies the inbox (`route_field`) and reads its values from a request
    (`route_keys`, pure, before verification).
    """

    slug: str
    config_type: type
    parser: WebhookParser
    create_sender: Callable[[Any], ChannelSender]
    capabilities: ChannelCapabilities
    create_simulator: Callable[[], Any] | None = None
    create_media_fetcher: Callable[[Any], MediaFetcher] | None = None
    route_field: str | None = None
    route_keys: Callable[[InboundRequest], list[str]] | None = None
    # For a provider whose inboxes differ in what they carry (Twilio: SMS vs WhatsApp).
    capabilities_for: Callable[[Channel], ChannelCapabilities] | None = None
    # Both receive the worker's HTTP client, like `create_sender`.
    create_webhook_registrar: Callable[[Any], WebhookRegistrar] | None = None
    create_follow_up: Callable[[Any], FollowUp] | None = None
    # The provider's documented throughput per inbox; sends beyond it wait their turn (pending)
    # instead of being throttled (None: the provider queues or has no limit worth keeping).
    send_rate: SendRate | None = None

    # The source id incoming messages use for an address an API user gives, when they differ
    # (Twilio's WhatsApp medium: `+1415...` arrives as `whatsapp:+1415...`).
    contact_source_id: Callable[[Channel, str], str] | None = None

    def source_id_for(self, channel: Channel, address: str) -> str:
        """The contact's source id for `address`, so a conversation started by the API and the
        contact's own messages land on one contact."""
        if self.contact_source_id is not None:
            return self.contact_source_id(channel, address)
        return address

    def capabilities_of(self, channel: Channel) -> ChannelCapabilities:
        """What this inbox's channel can carry: per config when the plugin says so."""
        if self.capabilities_for is not None:
            return self.capabilities_for(channel)
        return self.capabilities

    def build_channel(
        self, raw: Mapping[str, Any], previous: Channel | None = None
    ) -> tuple[Channel, dict[str, Any]]:
        """Validate a config (merged over `previous` for a PATCH); returns it and new secrets."""
        config, generated = build_config(
            self.config_type, raw, previous.config if previous else None
        )
        return Channel(self.slug, config, secret_field_names(self.config_type)), generated


class ChannelRegistry:
    def __init__(self, plugins: Iterable[ChannelPlugin]) -> None:
        self._plugins = {p.slug: p for p in plugins}

    def get(self, slug: str) -> ChannelPlugin:
        try:
            return self._plugins[slug]
        except KeyError:
            raise NotFound(f"no channel type {slug!r}") from None

    def require(self, slug: object) -> ChannelPlugin:
        """Like `get`, for a slug that came in a request body: an unknown one is invalid input."""
        if isinstance(slug, str) and slug in self._plugins:
            return self._plugins[slug]
        known = ", ".join(sorted(self._plugins))
        raise InvalidInput(
            "unknown channel type", [FieldError("channel.type", f"must be one of: {known}")]
        )

    def __iter__(self) -> Iterator[ChannelPlugin]:
        return iter(self._plugins.values())

    def __contains__(self, slug: object) -> bool:
        return slug in self._plugins
