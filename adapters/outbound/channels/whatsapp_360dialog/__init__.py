"""The `whatsapp_360dialog` channel: one WhatsApp number through the 360dialog BSP."""

from __future__ import annotations

from adapters.outbound.channels.whatsapp_360dialog.config import WhatsApp360DialogConfig
from adapters.outbound.channels.whatsapp_360dialog.parser import WhatsApp360DialogWebhookParser
from adapters.outbound.channels.whatsapp_360dialog.sender import (
    WhatsApp360DialogMediaFetcher,
    WhatsApp360DialogSender,
)
from adapters.outbound.channels.whatsapp_360dialog.simulator import WhatsApp360DialogSimulator
from adapters.outbound.graph_whatsapp.api_client import WHATSAPP_CAPABILITIES
from application.channels import ChannelPlugin
from domain.channels import SendRate

plugin = ChannelPlugin(
    slug="whatsapp_360dialog",
    config_type=WhatsApp360DialogConfig,
    parser=WhatsApp360DialogWebhookParser(),
    create_sender=WhatsApp360DialogSender,
    capabilities=WHATSAPP_CAPABILITIES,
    # The Cloud API's throughput per number, which 360dialog passes through (error 130429).
    send_rate=SendRate(80),
    create_simulator=WhatsApp360DialogSimulator,
    create_media_fetcher=WhatsApp360DialogMediaFetcher,
)

__all__ = [
    "WhatsApp360DialogConfig",
    "WhatsApp360DialogMediaFetcher",
    "WhatsApp360DialogSender",
    "WhatsApp360DialogSimulator",
    "WhatsApp360DialogWebhookParser",
    "plugin",
]
