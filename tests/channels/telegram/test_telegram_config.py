"""The telegram channel's config: a BotFather token, a secret token generated when absent."""

from __future__ import annotations

import re

import pytest

from adapters.outbound.channels.telegram import TelegramConfig
from adapters.outbound.channels.telegram import plugin as telegram_plugin
from domain.errors import InvalidInput
from tests.channels.telegram.conftest import BOT_TOKEN

SETWEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def test_a_missing_secret_token_is_generated_in_the_alphabet_setwebhook_accepts() -> None:
    for _ in range(200):  # the generated alphabet is random: many draws, none may break it
        channel, generated = telegram_plugin.build_channel({"bot_token": BOT_TOKEN})
        assert generated == {"secret_token": channel.config["secret_token"]}
        assert SETWEBHOOK_SECRET.fullmatch(generated["secret_token"])
        assert len(generated["secret_token"]) >= 32


def test_secrets_are_kept_out_of_the_public_config_and_the_repr() -> None:
    channel, _ = telegram_plugin.build_channel({"bot_token": BOT_TOKEN, "secret_token": "abc"})
    assert channel.public_config() == {"api_base_url": "https://api.telegram.org"}
    assert channel.secret_fields == {"bot_token", "secret_token"}
    assert BOT_TOKEN not in repr(channel)
    assert BOT_TOKEN not in repr(TelegramConfig(bot_token=BOT_TOKEN, secret_token="abc"))


def test_a_patch_keeps_the_secret_token() -> None:
    first, _ = telegram_plugin.build_channel({"bot_token": BOT_TOKEN})
    second, generated = telegram_plugin.build_channel(
        {"api_base_url": "http://127.0.0.1:9000"}, first
    )
    assert generated == {}
    assert second.config["secret_token"] == first.config["secret_token"]


@pytest.mark.parametrize(
    "token",
    ["", "123456", "abc:def", "123:abc/../../getMe", "123:abc?x=1", "123:ab c", "123:abc#"],
)
def test_a_token_that_is_not_a_bot_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        telegram_plugin.build_channel({"bot_token": token})
    messages = " ".join(e.message for e in caught.value.errors)
    assert "bot_token" in messages or "channel.bot_token" in [e.field for e in caught.value.errors]
    if token:
        assert token not in messages


@pytest.mark.parametrize("secret", ["has space", "semi;colon", "x" * 257, "ünï"])
def test_a_secret_token_outside_setwebhooks_rules_is_refused(secret: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        telegram_plugin.build_channel({"bot_token": BOT_TOKEN, "secret_token": secret})
    assert "secret_token" in caught.value.errors[0].message
    assert secret not in caught.value.errors[0].message


def test_the_api_base_url_must_be_http() -> None:
    with pytest.raises(InvalidInput):
        telegram_plugin.build_channel({"bot_token": BOT_TOKEN, "api_base_url": "ftp://x"})


def test_the_bot_token_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        telegram_plugin.build_channel({})
    assert [e.field for e in caught.value.errors] == ["channel.bot_token"]
