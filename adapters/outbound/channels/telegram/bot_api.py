"""The Bot API over HTTP: `POST {api_base_url}/bot<token>/<method>` with a JSON body, and
Telegram's answers (`{"ok": false, "error_code", "description", "parameters"}`) as port errors.

The token is part of every URL, so no URL is ever put in an error or a log line; every reason
is redacted of the channel's secrets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import aiohttp

from adapters.outbound.channels.telegram.config import DEFAULT_API_BASE_URL
from adapters.outbound.http_client import (
    MAX_RETRY_AFTER_SECONDS,
    HttpAnswer,
    error_for_answer,
    send_request,
)
from domain.channels import Channel
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientMoved,
    RecipientUnreachable,
)


def api_base(channel: Channel) -> str:
    return str(channel.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")


def bot_path(channel: Channel) -> str:
    # Config validation keeps `/`, `?` and `#` out of tokens; quoting guards unvalidated ones.
    return "bot" + quote(str(channel.get("bot_token") or ""), safe=":")


def secrets_of(channel: Channel) -> list[str]:
    return [str(value) for value in channel.secrets().values() if value]


class BotApi:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def call(self, method: str, params: Mapping[str, Any], channel: Channel) -> Any:
        """The method's `result`; raises `ChannelRejected` / `ChannelUnavailable` subclasses."""
        secrets = secrets_of(channel)
        answer = await send_request(
            self.session,
            "POST",
            f"{api_base(channel)}/{bot_path(channel)}/{method}",
            data=json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode(),
            headers={"Content-Type": "application/json"},
            redact=secrets,
            check=False,
        )
        error = error_for_bot_answer(answer, secrets)
        if error is not None:
            raise error
        payload = answer.json()
        return payload.get("result") if isinstance(payload, dict) else None

    async def download(self, file_path: str, channel: Channel) -> HttpAnswer:
        """A file getFile named: `GET {api_base_url}/file/bot<token>/<file_path>`."""
        path = quote(file_path.lstrip("/"), safe="/")
        return await send_request(
            self.session,
            "GET",
            f"{api_base(channel)}/file/{bot_path(channel)}/{path}",
            redact=secrets_of(channel),
        )


def error_for_bot_answer(
    answer: HttpAnswer, redact: list[str]
) -> ChannelRejected | ChannelUnavailable | None:
    """Telegram's error table: 429 waits `parameters.retry_after`; `migrate_to_chat_id` moves
    the recipient; 403 (blocked, kicked) makes the recipient unreachable; 401 and 404 (the bot
    token is revoked or never existed) refuse the inbox's credentials; 5xx is retried; any
    other error refuses the message with Telegram's description."""
    payload = answer.json()
    body: Mapping[str, Any] = payload if isinstance(payload, dict) else {}
    if answer.ok and body.get("ok") is not False:
        return None
    code = body.get("error_code")
    if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code < 600:
        code = answer.status if not answer.ok else 400
    base = error_for_answer(replace(answer, status=code), reason_of=_description, redact=redact)
    assert base is not None, "a status of 400 or more is an error"
    parameters = body.get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    moved = parameters.get("migrate_to_chat_id")
    if isinstance(moved, int) and not isinstance(moved, bool):
        return RecipientMoved(base.reason, new_recipient_id=str(moved))
    if isinstance(base, ChannelUnavailable):
        wait = parameters.get("retry_after")
        if isinstance(wait, int | float) and not isinstance(wait, bool) and wait >= 0:
            base.retry_after = min(float(wait), MAX_RETRY_AFTER_SECONDS)
        return base
    if code in (401, 404):
        return ChannelCredentialsInvalid(base.reason, code=str(code))
    if code == 403:
        return RecipientUnreachable(base.reason, code=str(code))
    return base


def _description(answer: HttpAnswer) -> str | None:
    payload = answer.json()
    found = payload.get("description") if isinstance(payload, dict) else None
    if isinstance(found, str) and found.strip():
        return found
    return None
