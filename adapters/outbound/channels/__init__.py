"""The channel plugins. Registering a provider is one line in `PLUGINS`."""

from __future__ import annotations

from adapters.outbound.channels.api import plugin as api
from application.channels import ChannelPlugin

PLUGINS: list[ChannelPlugin] = [
    api,
]
