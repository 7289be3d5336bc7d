"""The api channel's config: where to call the user's backend, and the shared HMAC secret."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.channels import secret


@dataclass(frozen=True, repr=False)
class ApiConfig:
    callback_url: str
    hmac_secret: str = secret(generated=True)

    def __post_init__(self) -> None:
        if not _is_http_url(self.callback_url):
            raise ValueError("callback_url must be an absolute http(s) URL")

    def __repr__(self) -> str:
        # The generated repr would print the secret.
        return f"ApiConfig(callback_url={self.callback_url!r})"


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0
