"""Sending through the Bot API, and the calls around it: media downloads with getFile, the
webhook registration (setWebhook) and the answer to a tapped button (answerCallbackQuery)."""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.outbound.channels.telegram.bot_api import BotApi
from adapters.outbound.channels.telegram.send_bodies import (
    MAX_TEXT_LENGTH,
    MEDIA_METHODS,
    send_call,
)
from adapters.outbound.channels.telegram.updates import ALLOWED_UPDATES
from application.channels import FollowUp, WebhookRegistrar
from domain.channels import Channel, ChannelCapabilities, MessagingWindow
from domain.errors import ChannelRejected
from domain.ports.media import FetchedMedia
from domain.ports.senders import DeliveryReceipt, OutboundMessage

# Bots have no messaging window (a user who blocks the bot makes sends fail with 403 instead),
# no templates and no read receipts; one file per message, by URL.
TELEGRAM_CAPABILITIES = ChannelCapabilities(
    attachment_types=frozenset(MEDIA_METHODS),
    templates=False,
    buttons=True,
    reply_to=True,
    max_text_length=MAX_TEXT_LENGTH,
    max_attachments=1,
    read_receipts=False,
    window=MessagingWindow(None),
)


class TelegramSender:
    capabilities = TELEGRAM_CAPABILITIES

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.api = BotApi(session)

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        method, params = send_call(message)
        result = await self.api.call(method, params, channel)
        return DeliveryReceipt(_source_id(result, params["chat_id"]))


def _source_id(result: Any, chat_id: int) -> str | None:
    """`<chat id>:<message id>`: message ids are unique only within a chat."""
    if not isinstance(result, dict):
        return None
    message_id = result.get("message_id")
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        return None
    chat = result.get("chat")
    found = chat.get("id") if isinstance(chat, dict) else None
    if isinstance(found, int) and not isinstance(found, bool):
        chat_id = found
    return f"{chat_id}:{message_id}"


class TelegramMediaFetcher:
    """getFile for the file's path, then `{api_base_url}/file/bot<token>/<file_path>`."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.api = BotApi(session)

    async def fetch(self, provider_ref: str, channel: Channel) -> FetchedMedia:
        found = await self.api.call("getFile", {"file_id": provider_ref}, channel)
        file_path = found.get("file_path") if isinstance(found, dict) else None
        if not isinstance(file_path, str) or not file_path:
            # Telegram leaves it out for files over the 20 MB a bot may download.
            raise ChannelRejected("Telegram gave no path for this file", code="file_path_missing")
        answer = await self.api.download(file_path, channel)
        name = posixpath.basename(file_path) or None
        return FetchedMedia(answer.body, _mime_type(file_path, answer.headers), name)


def _mime_type(file_path: str, headers: Mapping[str, str]) -> str | None:
    # Telegram's file server says application/octet-stream for most files; the path's
    # extension says more. The parser already kept the mime type Telegram reported.
    guessed, _ = mimetypes.guess_type(file_path)
    if guessed:
        return guessed
    for key, value in headers.items():
        if key.lower() == "content-type" and value:
            return value.split(";")[0].strip() or None
    return None


def create_webhook_registrar(session: aiohttp.ClientSession) -> WebhookRegistrar:
    api = BotApi(session)

    async def register(channel: Channel, webhook_url: str) -> None:
        """setWebhook: where updates go, the secret they carry back, and which we read."""
        params = {
            "url": webhook_url,
            "secret_token": str(channel.get("secret_token") or ""),
            "allowed_updates": list(ALLOWED_UPDATES),
        }
        await api.call("setWebhook", params, channel)

    return register


def create_follow_up(session: aiohttp.ClientSession) -> FollowUp:
    api = BotApi(session)

    async def answer_callback_query(ack: Mapping[str, Any], channel: Channel) -> None:
        """Stops the spinner on the tapped button; the reply itself is a normal message."""
        query_id = ack.get("callback_query_id")
        if not isinstance(query_id, str) or not query_id:
            raise ChannelRejected("provider_ack has no callback_query_id", code="invalid_ack")
        await api.call("answerCallbackQuery", {"callback_query_id": query_id}, channel)

    return answer_callback_query
