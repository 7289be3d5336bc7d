"""The `telegram` channel: one bot, talking to users in private chats, groups and forum topics."""

from __future__ import annotations

from adapters.outbound.channels.telegram.config import TelegramConfig
from adapters.outbound.channels.telegram.parser import TelegramWebhookParser
from adapters.outbound.channels.telegram.sender import (
    TELEGRAM_CAPABILITIES,
    TelegramMediaFetcher,
    TelegramSender,
    create_follow_up,
    create_webhook_registrar,
)
from adapters.outbound.channels.telegram.simulator import TelegramSimulator
from application.channels import ChannelPlugin
from domain.channels import SendRate

plugin = ChannelPlugin(
    slug="telegram",
    config_type=TelegramConfig,
    parser=TelegramWebhookParser(),
    create_sender=TelegramSender,
    capabilities=TELEGRAM_CAPABILITIES,
    # Telegram's bulk limit per bot (about 30 messages a second; 429 with retry_after beyond).
    send_rate=SendRate(30),
    create_simulator=TelegramSimulator,
    create_media_fetcher=TelegramMediaFetcher,
    create_webhook_registrar=create_webhook_registrar,
    create_follow_up=create_follow_up,
)

__all__ = [
    "TelegramConfig",
    "TelegramMediaFetcher",
    "TelegramSender",
    "TelegramSimulator",
    "TelegramWebhookParser",
    "plugin",
]
