"""The `api` channel: the user's own backend, over signed JSON webhooks in both directions."""

from __future__ import annotations

from adapters.outbound.channels.api.config import ApiConfig
from adapters.outbound.channels.api.parser import ApiWebhookParser
from adapters.outbound.channels.api.sender import API_CAPABILITIES, ApiSender
from adapters.outbound.channels.api.simulator import ApiSimulator
from application.channels import ChannelPlugin

plugin = ChannelPlugin(
    slug="api",
    config_type=ApiConfig,
    parser=ApiWebhookParser(),
    create_sender=ApiSender,
    capabilities=API_CAPABILITIES,
    create_simulator=ApiSimulator,
)

__all__ = ["ApiConfig", "ApiSender", "ApiSimulator", "ApiWebhookParser", "plugin"]
