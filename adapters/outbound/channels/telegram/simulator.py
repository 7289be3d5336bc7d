"""The Bot API, simulated: `/bot<token>/<method>` for setWebhook, sendMessage, the send-media
methods, answerCallbackQuery and getFile, and `/file/bot<token>/<path>` downloads; every call
recorded, Telegram's error envelope for injected failures, and updates made with the secret
header (`TelegramUpdateMaker`)."""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from adapters.contracts.simulator import ReceivedMessage
from adapters.outbound.channels.telegram.parser import WEBHOOK_HEADER
from adapters.outbound.channels.telegram.send_bodies import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    MEDIA_METHODS,
)
from adapters.outbound.channels.telegram.simulator_updates import TelegramUpdateMaker
from domain.ids import new_key

SEND_FIELDS = {"sendMessage": "text", **{m: f for m, f in MEDIA_METHODS.values()}}
DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(frozen=True)
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any]
    methods: frozenset[str]


@dataclass(frozen=True)
class BotCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)  # when it arrived (wall clock)


class TelegramSimulator(TelegramUpdateMaker):
    auth_headers = frozenset({WEBHOOK_HEADER.lower()})
    signs_body = False  # the secret header is a shared secret, not a signature

    def __init__(self, bot_token: str | None = None, secret_token: str | None = None) -> None:
        super().__init__()
        self.bot_token = bot_token or f"{7000000000 + secrets.randbelow(10**9)}:{new_key(26)}"
        self.secret_token = secret_token or new_key(24)
        self.calls: list[BotCall] = []
        self.webhook: dict[str, Any] | None = None
        self.answered_callbacks: list[str] = []
        self._received: list[ReceivedMessage] = []
        self._failures: deque[_Failure] = deque()
        self._files: dict[str, tuple[str, bytes]] = {}

    @property
    def received(self) -> list[ReceivedMessage]:
        return self._received

    def channel_config(self, base_url: str) -> dict[str, Any]:
        return {
            "bot_token": self.bot_token,
            "secret_token": self.secret_token,
            "api_base_url": base_url.rstrip("/"),
        }

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        return app

    # Fault injection.

    def fail_next(
        self,
        status: int,
        times: int = 1,
        retry_after: float | str | None = None,
        *,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        method: str | None = None,
    ) -> None:
        """The next `times` calls of `method` (default: any send) fail the Bot API's way."""
        params = dict(parameters or {})
        if retry_after is not None:
            params["retry_after"] = int(float(retry_after))
        if description is None and status == 429:
            description = f"Too Many Requests: retry after {params.get('retry_after', 5)}"
        shown = description or DESCRIPTIONS.get(status, f"Error {status}")
        methods = frozenset({method} if method else SEND_FIELDS)
        self._failures.extend([_Failure(status, shown, params, methods)] * times)

    def fail_next_migrated(self, new_chat_id: int, times: int = 1) -> None:
        """A basic group that became a supergroup: sends to the old id point to the new one."""
        self.fail_next(
            400,
            times,
            description="Bad Request: group chat was upgraded to a supergroup chat",
            parameters={"migrate_to_chat_id": new_chat_id},
        )

    def add_file(self, content: bytes, file_path: str = "photos/file_0.jpg") -> str:
        """A file getFile will find; returns its file_id."""
        file_id = "AgAC" + new_key(18)
        self._files[file_id] = (file_path, content)
        return file_id

    # The API.

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.bot_token:
            return bot_error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(BotCall(method, params))
        if self._failures and method in self._failures[0].methods:
            failure = self._failures.popleft()
            return bot_error(failure.status, failure.description, failure.parameters)
        if method in SEND_FIELDS:
            return self._send(method, params)
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "answerCallbackQuery":
            query_id = params.get("callback_query_id")
            if not isinstance(query_id, str) or not query_id:
                return bot_error(400, "Bad Request: query is too old or query ID is invalid")
            self.answered_callbacks.append(query_id)
            return ok(True)
        if method == "getFile":
            return self._get_file(params)
        if method == "getMe":
            bot_id = int(self.bot_token.partition(":")[0])
            return ok({"id": bot_id, "is_bot": True, "first_name": "Channelhub Test Bot"})
        return bot_error(404, "Not Found: method not found")

    def _send(self, method: str, params: dict[str, Any]) -> web.Response:
        field = SEND_FIELDS[method]
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            return bot_error(400, "Bad Request: chat_id is empty")
        value = params.get(field)
        if not isinstance(value, str) or not value:
            return bot_error(400, f"Bad Request: there is no {field} in the request")
        if field == "text" and len(value) > MAX_TEXT_LENGTH:
            return bot_error(400, "Bad Request: message is too long")
        caption = params.get("caption")
        if isinstance(caption, str) and len(caption) > MAX_CAPTION_LENGTH:
            return bot_error(400, "Bad Request: message caption is too long")
        problem = _markup_problem(params.get("reply_markup"))
        if problem:
            return bot_error(400, f"Bad Request: {problem}")
        message = self._sent(chat_id, params, field)
        words = value if field == "text" else caption
        self._received.append(
            ReceivedMessage(str(chat_id), words if isinstance(words, str) else None, params)
        )
        return ok(message)

    def _sent(self, chat_id: int, params: dict[str, Any], field: str) -> dict[str, Any]:
        kind = "private" if chat_id > 0 else "supergroup"
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
            "from": {"id": int(self.bot_token.partition(":")[0]), "is_bot": True},
            "chat": {"id": chat_id, "type": kind},
            "date": int(time.time()),
        }
        if field == "text":
            message["text"] = params["text"]
        else:
            message[field] = {"file_id": "sent-" + new_key(12)}
            if isinstance(params.get("caption"), str):
                message["caption"] = params["caption"]
        if isinstance(params.get("message_thread_id"), int):
            message["message_thread_id"] = params["message_thread_id"]
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        self.sent_messages[(chat_id, message["message_id"])] = message
        return message

    def _set_webhook(self, params: dict[str, Any]) -> web.Response:
        if not isinstance(params.get("url"), str):
            return bot_error(400, "Bad Request: bad webhook: URL must be a string")
        token = params.get("secret_token")
        if token is not None and not (isinstance(token, str) and 1 <= len(token) <= 256):
            return bot_error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = params
        return ok(True, description="Webhook was set")

    def _get_file(self, params: dict[str, Any]) -> web.Response:
        found = self._files.get(str(params.get("file_id")))
        if found is None:
            return bot_error(400, "Bad Request: invalid file_id")
        file_path, content = found
        return ok(
            {
                "file_id": params["file_id"],
                "file_unique_id": "AQAD" + params["file_id"][-6:],
                "file_size": len(content),
                "file_path": file_path,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.bot_token:
            return web.Response(status=404, text="Not Found")
        for file_path, content in self._files.values():
            if file_path == request.match_info["file_path"]:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")


async def _params(request: web.Request) -> dict[str, Any]:
    """The Bot API takes a JSON body, a form, or the query string."""
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    if request.method == "POST":
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    return dict(request.query)


def _markup_problem(markup: object) -> str | None:
    if markup is None:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                return "can't parse inline keyboard button: Text buttons are unallowed"
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                return "BUTTON_DATA_INVALID"
    return None


def ok(result: Any, description: str | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return web.json_response(body)


def bot_error(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
