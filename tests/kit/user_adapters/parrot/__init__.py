"""The parrot channel: a made-up SMS provider, as a channelhub plugin (not registered)."""

from __future__ import annotations

from application.channels import ChannelPlugin

from .config import ParrotConfig
from .parser import ParrotWebhookParser
from .sender import PARROT_CAPABILITIES, ParrotSender
from .simulator import ParrotSimulator

plugin = ChannelPlugin(
    slug="parrot",
    config_type=ParrotConfig,
    parser=ParrotWebhookParser(),
    create_sender=ParrotSender,
    capabilities=PARROT_CAPABILITIES,
    create_simulator=ParrotSimulator,
)

__all__ = ["ParrotConfig", "ParrotSender", "ParrotSimulator", "ParrotWebhookParser", "plugin"]
