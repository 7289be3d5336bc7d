"""What a parrot channel needs to know: the sender id, where the API lives, two secrets."""

from __future__ import annotations

from dataclasses import dataclass

from domain.channels import secret

PUBLIC_API = "https://rest.parrot-sms.example"


@dataclass(frozen=True, repr=False)
class ParrotConfig:
    """Config of one parrot channel; `repr=False` keeps the keys out of logs."""

    sender_id: str
    api_base_url: str = PUBLIC_API
    api_key: str = secret()
    signing_key: str = secret(generated=True)

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("api_key is required for a parrot channel")
        if not self.api_base_url.startswith(("http://", "https://")):
            raise ValueError("api_base_url must be an http(s) URL")
