"""The channel plugins. Registering a provider is one line in `PLUGINS`."""

from __future__ import annotations

from adapters.outbound.channels.api import plugin as api
from adapters.outbound.channels.telegram import plugin as telegram
from adapters.outbound.channels.twilio import plugin as twilio
from adapters.outbound.channels.whatsapp_360dialog import plugin as whatsapp_360dialog
from adapters.outbound.channels.whatsapp_cloud import plugin as whatsapp_cloud
from application.channels import ChannelPlugin

PLUGINS: list[ChannelPlugin] = [
    api,
    whatsapp_cloud,
    whatsapp_360dialog,
    twilio,
    telegram,
]
