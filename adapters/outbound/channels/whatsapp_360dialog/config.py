"""The whatsapp_360dialog channel's config: the number, its 360dialog API key, and an optional
secret header to check on webhooks (360dialog signs nothing, but sends headers you configure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.outbound.graph_whatsapp.config_rules import (
    require_header_name,
    require_http_url,
    require_text,
)
from domain.channels import SECRET, secret

DEFAULT_API_BASE_URL = "https://waba-v2.360dialog.io"
# `Authorization` by default because channelhub never keeps that header with raw webhook events.
DEFAULT_WEBHOOK_HEADER = "Authorization"


@dataclass(frozen=True, repr=False)
class WhatsApp360DialogConfig:
    phone_number: str
    api_key: str = field(repr=False, metadata=SECRET)
    api_base_url: str = DEFAULT_API_BASE_URL
    webhook_header: str = DEFAULT_WEBHOOK_HEADER
    webhook_secret: str = secret()

    def __post_init__(self) -> None:
        require_text("phone_number", self.phone_number)
        require_text("api_key", self.api_key)
        require_http_url("api_base_url", self.api_base_url)
        require_header_name("webhook_header", self.webhook_header)

    def __repr__(self) -> str:
        return f"WhatsApp360DialogConfig(phone_number={self.phone_number!r})"
