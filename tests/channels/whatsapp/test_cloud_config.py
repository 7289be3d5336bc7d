"""The whatsapp_cloud config: required fields, secrets kept out of reprs, the default API."""

from __future__ import annotations

import pytest

from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudConfig, plugin
from domain.errors import InvalidInput
from tests.channels.whatsapp.conftest import CLOUD_CONFIG, cloud_channel


def test_a_full_config_defaults_to_metas_public_api() -> None:
    channel = cloud_channel()
    assert channel.get("api_base_url") == "https://graph.facebook.com/v21.0"
    assert channel.secret_fields == {"access_token", "app_secret", "verify_token"}
    assert channel.public_config() == {
        "phone_number_id": "200000000000002",
        "business_account_id": "100000000000001",
        "api_base_url": "https://graph.facebook.com/v21.0",
    }


def test_secrets_never_show_in_reprs() -> None:
    text = repr(cloud_channel()) + repr(WhatsAppCloudConfig(**CLOUD_CONFIG))
    for value in ("EAAG-test-token", "test_app_secret", "verify-me"):
        assert value not in text


@pytest.mark.parametrize(
    "missing", ["phone_number_id", "access_token", "app_secret", "verify_token"]
)
def test_every_credential_is_required(missing: str) -> None:
    config = {k: v for k, v in CLOUD_CONFIG.items() if k != missing}
    with pytest.raises(InvalidInput) as caught:
        plugin.build_channel(config)
    assert [e.field for e in caught.value.errors] == [f"channel.{missing}"]


@pytest.mark.parametrize(
    "override",
    [{"app_secret": ""}, {"phone_number_id": " 200 "}, {"api_base_url": "graph.facebook.com"}],
)
def test_blank_or_malformed_values_are_refused(override: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        plugin.build_channel({**CLOUD_CONFIG, **override})


def test_a_patch_keeps_the_stored_secrets() -> None:
    channel, _ = plugin.build_channel({"verify_token": "new-token"}, cloud_channel())
    assert channel.get("verify_token") == "new-token"
    assert channel.get("app_secret") == "test_app_secret"
