"""The telegram channel's config: the bot's token, the webhook's secret token and the API host."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.channels import SECRET, is_http_url, secret

DEFAULT_API_BASE_URL = "https://api.telegram.org"
# BotFather's tokens are `<bot id>:<secret part>`. The token goes into every API path, so
# anything that could change the path (`/`, `?`, `#`, `%`) is refused up front.
_BOT_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,200}")
# What setWebhook accepts as `secret_token`. channelhub's generated secrets are URL-safe base64
# without padding (43 characters for 32 bytes), which is inside this alphabet.
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, repr=False)
class TelegramConfig:
    bot_token: str = field(repr=False, metadata=SECRET)
    secret_token: str = secret(generated=True)
    api_base_url: str = DEFAULT_API_BASE_URL

    def __post_init__(self) -> None:
        # The messages name the rule, never the value: both fields are secrets.
        if not isinstance(self.bot_token, str) or not _BOT_TOKEN.fullmatch(self.bot_token):
            raise ValueError("bot_token must be a BotFather token: <bot id>:<token>")
        if not isinstance(self.secret_token, str) or not _SECRET_TOKEN.fullmatch(self.secret_token):
            raise ValueError("secret_token must be 1-256 characters of A-Z a-z 0-9 _ -")
        if not is_http_url(self.api_base_url):
            raise ValueError("api_base_url must be an absolute http(s) URL")

    def __repr__(self) -> str:
        return f"TelegramConfig(api_base_url={self.api_base_url!r})"
