"""The twilio channel's config: the account that sends, how it sends (SMS or WhatsApp) and from
which sender (a number, or a Messaging Service that picks one)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.channels import SECRET, Channel, is_http_url

DEFAULT_API_BASE_URL = "https://api.twilio.com"
MEDIUMS = ("sms", "whatsapp")
WHATSAPP_PREFIX = "whatsapp:"
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
# An E.164 number or a short code: a sender that can also receive (alphanumeric sender ids
# cannot, so they belong in a Messaging Service's pool).
_SENDER = re.compile(r"\+[1-9][0-9]{5,14}|[0-9]{3,8}")


@dataclass(frozen=True, repr=False)
class TwilioConfig:
    account_sid: str
    # Required: it authenticates every send and media download, and signs every webhook.
    auth_token: str = field(repr=False, metadata=SECRET)
    medium: str = "sms"
    phone_number: str | None = None
    messaging_service_sid: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL

    def __post_init__(self) -> None:
        if not isinstance(self.account_sid, str) or not _ACCOUNT_SID.fullmatch(self.account_sid):
            raise ValueError("account_sid must be a Twilio Account SID: AC and 32 hex digits")
        if not isinstance(self.auth_token, str) or not self.auth_token.strip():
            raise ValueError("auth_token must be a non-empty string")
        if self.medium not in MEDIUMS:
            raise ValueError('medium must be "sms" or "whatsapp"')
        if not self.phone_number and not self.messaging_service_sid:
            raise ValueError("one of phone_number and messaging_service_sid is required")
        if self.phone_number and not _SENDER.fullmatch(bare_address(self.phone_number)):
            raise ValueError(
                "phone_number must be an E.164 number such as +14155550100, or a short code"
            )
        if self.messaging_service_sid and not _SERVICE_SID.fullmatch(self.messaging_service_sid):
            raise ValueError("messaging_service_sid must be MG and 32 hex digits")
        if not is_http_url(self.api_base_url):
            raise ValueError("api_base_url must be an absolute http(s) URL")

    def __repr__(self) -> str:
        return f"TwilioConfig(account_sid={self.account_sid!r}, medium={self.medium!r})"


def bare_address(address: str) -> str:
    """A Twilio address without its channel prefix: `whatsapp:+1415...` -> `+1415...`."""
    return address[len(WHATSAPP_PREFIX) :] if address.startswith(WHATSAPP_PREFIX) else address


def contact_source_id(channel: Channel, address: str) -> str:
    """The source id this inbox's contacts write with: `+1415...` is `whatsapp:+1415...` on the
    WhatsApp medium, as its incoming messages say."""
    return address_for(channel.get("medium"), address)


def address_for(medium: object, address: str) -> str:
    """The address as Twilio wants it for a medium: WhatsApp ones carry the `whatsapp:` prefix."""
    if medium == "whatsapp":
        return WHATSAPP_PREFIX + bare_address(address)
    return address
