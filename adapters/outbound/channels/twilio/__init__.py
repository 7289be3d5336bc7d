"""The `twilio` channel: SMS/MMS or WhatsApp (`medium`) through Twilio Programmable Messaging."""

from __future__ import annotations

from adapters.outbound.channels.twilio.capabilities import SMS_CAPABILITIES, capabilities_for
from adapters.outbound.channels.twilio.config import TwilioConfig, contact_source_id
from adapters.outbound.channels.twilio.parser import TwilioWebhookParser
from adapters.outbound.channels.twilio.sender import TwilioMediaFetcher, TwilioSender
from adapters.outbound.channels.twilio.simulator import TwilioSimulator
from application.channels import ChannelPlugin

plugin = ChannelPlugin(
    slug="twilio",
    config_type=TwilioConfig,
    parser=TwilioWebhookParser(),
    create_sender=TwilioSender,
    capabilities=SMS_CAPABILITIES,
    create_simulator=TwilioSimulator,
    create_media_fetcher=TwilioMediaFetcher,
    capabilities_for=capabilities_for,
    contact_source_id=contact_source_id,
)

__all__ = [
    "TwilioConfig",
    "TwilioMediaFetcher",
    "TwilioSender",
    "TwilioSimulator",
    "TwilioWebhookParser",
    "plugin",
]
