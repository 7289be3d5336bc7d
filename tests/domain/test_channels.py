from dataclasses import dataclass

import pytest

from domain.channels import Channel, build_config, secret, secret_field_names
from domain.errors import InvalidInput


@dataclass(frozen=True)
class DemoConfig:
    phone_number_id: str
    access_token: str = secret()
    verify_token: str = secret(generated=True)
    api_base_url: str = "https://graph.example"


def test_generated_secrets_are_made_when_absent_and_returned_once():
    config, generated = build_config(DemoConfig, {"phone_number_id": "1", "access_token": "t"})
    assert set(generated) == {"verify_token"}
    assert config["verify_token"] == generated["verify_token"]
    assert len(config["verify_token"]) >= 32


def test_a_patch_merges_over_the_previous_config_and_keeps_secrets():
    previous, _ = build_config(DemoConfig, {"phone_number_id": "1", "access_token": "t"})
    config, generated = build_config(DemoConfig, {"phone_number_id": "2"}, previous)
    assert config["phone_number_id"] == "2"
    assert config["access_token"] == "t"
    assert config["verify_token"] == previous["verify_token"]
    assert generated == {}


def test_missing_unknown_and_mistyped_fields_are_all_named():
    with pytest.raises(InvalidInput) as caught:
        build_config(DemoConfig, {"access_token": 5, "colour": "red"})
    fields = {e.field for e in caught.value.errors}
    assert fields == {"channel.colour", "channel.phone_number_id", "channel.access_token"}


def test_public_config_hides_secret_fields():
    channel = Channel(
        "demo", {"phone_number_id": "1", "access_token": "t"}, secret_field_names(DemoConfig)
    )
    assert channel.public_config() == {"phone_number_id": "1"}
    assert channel.secrets() == {"access_token": "t"}


def test_a_channels_repr_never_shows_its_secrets():
    channel = Channel(
        "demo", {"phone_number_id": "1", "access_token": "s3cr3t"}, secret_field_names(DemoConfig)
    )
    config, _ = build_config(DemoConfig, {"phone_number_id": "1", "access_token": "s3cr3t"})
    assert "s3cr3t" not in repr(channel)
    assert "s3cr3t" not in repr(DemoConfig(**config))
