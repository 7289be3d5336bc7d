"""The twilio config: what is required, the medium, secrets kept out of reprs, and what each
medium can carry."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.outbound.channels.twilio import TwilioConfig, plugin
from domain.channels import MessagingWindow
from domain.errors import InvalidInput
from tests.channels.twilio.conftest import AUTH_TOKEN, SMS_CONFIG, sms_channel, whatsapp_channel

SERVICE_SID = "MG00112233445566778899aabbccddeeff"


def refusal(**config: Any) -> list[tuple[str, str]]:
    raw = {k: v for k, v in {**SMS_CONFIG, **config}.items() if v is not None}
    with pytest.raises(InvalidInput) as caught:
        plugin.build_channel(raw)
    return [(e.field, e.message) for e in caught.value.errors]


def test_a_full_config_defaults_to_twilios_public_api() -> None:
    channel = sms_channel()
    assert channel.secret_fields == {"auth_token"}
    assert channel.public_config() == {
        "account_sid": SMS_CONFIG["account_sid"],
        "medium": "sms",
        "phone_number": "+14155550199",
        "messaging_service_sid": None,
        "api_base_url": "https://api.twilio.com",
    }


def test_the_auth_token_never_shows_in_reprs() -> None:
    text = repr(sms_channel()) + repr(TwilioConfig(**SMS_CONFIG))
    assert AUTH_TOKEN not in text


def test_a_messaging_service_may_stand_in_for_the_number() -> None:
    channel = sms_channel(phone_number=None, messaging_service_sid=SERVICE_SID)
    assert channel.get("messaging_service_sid") == SERVICE_SID


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        ({"auth_token": None}, "channel.auth_token", "required"),
        ({"account_sid": None}, "channel.account_sid", "required"),
        ({"account_sid": "SK0123456789abcdef0123456789abcdef"}, "channel", "Account SID"),
        ({"medium": "rcs"}, "channel", "medium"),
        ({"phone_number": None}, "channel", "one of phone_number and messaging_service_sid"),
        ({"phone_number": "call me"}, "channel", "E.164"),
        ({"messaging_service_sid": "MG123"}, "channel", "messaging_service_sid"),
        ({"api_base_url": "ftp://api.twilio.com"}, "channel", "api_base_url"),
        ({"phone_number": 14155550199}, "channel.phone_number", "type"),
    ],
)
def test_invalid_configs_are_refused_naming_the_problem(
    config: dict[str, Any], field: str, words: str
) -> None:
    [(named, message)] = refusal(**config)
    assert named == field
    assert words in message


def test_a_whatsapp_number_may_be_given_with_its_prefix() -> None:
    assert whatsapp_channel(phone_number="whatsapp:+14155238886").get("medium") == "whatsapp"


def test_sms_has_no_window_and_no_templates_whatsapp_has_both() -> None:
    sms = plugin.capabilities_of(sms_channel())
    whatsapp = plugin.capabilities_of(whatsapp_channel())
    assert (sms.window, sms.templates, sms.max_attachments) == (MessagingWindow(), False, 10)
    assert (whatsapp.window, whatsapp.templates, whatsapp.max_attachments) == (
        MessagingWindow(hours=24),
        True,
        1,
    )
    assert sms.max_text_length == whatsapp.max_text_length == 1600
