"""The api channel's config: a callback URL and an HMAC secret that is generated when absent."""

from __future__ import annotations

import pytest

from adapters.outbound.channels.api import ApiConfig, plugin
from domain.errors import InvalidInput


def test_a_missing_secret_is_generated_and_returned_once() -> None:
    channel, generated = plugin.build_channel({"callback_url": "https://backend.example/hook"})
    assert generated == {"hmac_secret": channel.config["hmac_secret"]}
    assert len(channel.config["hmac_secret"]) >= 32
    assert channel.public_config() == {"callback_url": "https://backend.example/hook"}


def test_a_given_secret_is_kept() -> None:
    channel, generated = plugin.build_channel(
        {"callback_url": "http://127.0.0.1:9000/cb", "hmac_secret": "s3cret"}
    )
    assert generated == {}
    assert channel.config["hmac_secret"] == "s3cret"


def test_changing_the_url_keeps_the_secret() -> None:
    first, _ = plugin.build_channel({"callback_url": "https://a.example/hook"})
    second, generated = plugin.build_channel({"callback_url": "https://b.example/hook"}, first)
    assert generated == {}
    assert second.config["hmac_secret"] == first.config["hmac_secret"]


@pytest.mark.parametrize(
    "url",
    ["ftp://backend.example/hook", "backend.example/hook", "http://", "https://h:99999/", ""],
)
def test_the_callback_must_be_an_http_url(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        plugin.build_channel({"callback_url": url})
    assert any(
        "callback_url" in e.message or "callback_url" in e.field for e in caught.value.errors
    )


def test_the_callback_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        plugin.build_channel({})
    assert [e.field for e in caught.value.errors] == ["channel.callback_url"]


def test_the_repr_hides_the_secret() -> None:
    config = ApiConfig(callback_url="https://backend.example/hook", hmac_secret="s3cret")
    assert "s3cret" not in repr(config)
