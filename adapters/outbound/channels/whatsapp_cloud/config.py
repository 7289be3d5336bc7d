"""The whatsapp_cloud channel's config: the Meta number and app it speaks for."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.outbound.graph_whatsapp.config_rules import require_http_url, require_text
from domain.channels import SECRET

DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0"


@dataclass(frozen=True, repr=False)
class WhatsAppCloudConfig:
    phone_number_id: str
    business_account_id: str
    # Required secrets: without the token nothing can be sent, without the app secret no
    # webhook can be verified, without the verify token Meta's handshake cannot pass.
    access_token: str = field(repr=False, metadata=SECRET)
    app_secret: str = field(repr=False, metadata=SECRET)
    verify_token: str = field(repr=False, metadata=SECRET)
    api_base_url: str = DEFAULT_API_BASE_URL

    def __post_init__(self) -> None:
        for name in (
            "phone_number_id",
            "business_account_id",
            "access_token",
            "app_secret",
            "verify_token",
        ):
            require_text(name, getattr(self, name))
        require_http_url("api_base_url", self.api_base_url)

    def __repr__(self) -> str:
        return f"WhatsAppCloudConfig(phone_number_id={self.phone_number_id!r})"
