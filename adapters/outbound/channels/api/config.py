"""The api channel's config: where to call the user's backend, and the shared HMAC secret."""

from __future__ import annotations

from dataclasses import dataclass

from domain.channels import is_http_url, secret


@dataclass(frozen=True, repr=False)
class ApiConfig:
    callback_url: str
    hmac_secret: str = secret(generated=True)

    def __post_init__(self) -> None:
        if not is_http_url(self.callback_url):
            raise ValueError("callback_url must be an absolute http(s) URL")

    def __repr__(self) -> str:
        # The generated repr would print the secret.
        return f"ApiConfig(callback_url={self.callback_url!r})"
