"""The `whatsapp_cloud` channel: one WhatsApp number on Meta's Cloud API."""

from __future__ import annotations

from adapters.outbound.channels.whatsapp_cloud.config import WhatsAppCloudConfig
from adapters.outbound.channels.whatsapp_cloud.parser import (
    WhatsAppCloudWebhookParser,
    route_keys,
)
from adapters.outbound.channels.whatsapp_cloud.sender import (
    WhatsAppCloudMediaFetcher,
    WhatsAppCloudSender,
)
from adapters.outbound.channels.whatsapp_cloud.simulator import WhatsAppCloudSimulator
from adapters.outbound.graph_whatsapp.api_client import WHATSAPP_CAPABILITIES
from application.channels import ChannelPlugin
from domain.channels import SendRate

plugin = ChannelPlugin(
    slug="whatsapp_cloud",
    config_type=WhatsAppCloudConfig,
    parser=WhatsAppCloudWebhookParser(),
    create_sender=WhatsAppCloudSender,
    capabilities=WHATSAPP_CAPABILITIES,
    # Cloud API's default throughput per business phone number (error 130429 beyond it).
    send_rate=SendRate(80),
    create_simulator=WhatsAppCloudSimulator,
    create_media_fetcher=WhatsAppCloudMediaFetcher,
    route_field="phone_number_id",
    route_keys=route_keys,
)

__all__ = [
    "WhatsAppCloudConfig",
    "WhatsAppCloudMediaFetcher",
    "WhatsAppCloudSender",
    "WhatsAppCloudSimulator",
    "WhatsAppCloudWebhookParser",
    "plugin",
]
