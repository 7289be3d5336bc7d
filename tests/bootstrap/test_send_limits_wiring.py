"""Deliveries draw on each inbox's send rate: per process by default, shared through Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.contracts.send_rate_limiter import fresh
from bootstrap.runtime import build_container
from bootstrap.settings import Settings, parse_send_rates
from domain.channels import SendRate


def test_deliveries_use_the_plugins_rates_and_one_limiter_per_process(
    sqlite_url: str, tmp_path: Path
) -> None:
    container = build_container(Settings(database_url=sqlite_url, state_dir=tmp_path))
    try:
        deliver = container.delivery_handlers()(None)
        again = container.delivery_handlers()(None)
        assert deliver.limiter is again.limiter is container.send_limiter()
        registry = container.registry()
        for slug in ("api", "telegram", "twilio", "whatsapp_cloud", "whatsapp_360dialog"):
            assert deliver.send_rate(slug) == registry.get(slug).send_rate
        assert deliver.send_rate("api") is None  # the user's own endpoint: no provider limit
    finally:
        container.shutdown_resources()


def test_with_a_redis_queue_the_allowance_is_kept_in_redis(
    sqlite_url: str, tmp_path: Path, redis_queue_url: str
) -> None:
    settings = Settings(database_url=sqlite_url, state_dir=tmp_path, queue_url=redis_queue_url)
    container = build_container(settings)
    try:
        limiter = container.delivery_handlers()(None).limiter
        key, rate = fresh(), SendRate(1, per_seconds=3600)
        assert limiter.reserve(key, rate, fresh("send")) == 0.0
        # Another process with the same CHANNELHUB_QUEUE_URL sees the send taken.
        other = build_container(settings)
        try:
            assert other.delivery_handlers()(None).limiter.reserve(key, rate, fresh("send")) > 0
        finally:
            other.shutdown_resources()
    finally:
        container.shutdown_resources()


def test_send_rates_can_be_set_per_channel_type(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=sqlite_url,
        state_dir=tmp_path,
        send_rates="whatsapp_cloud=1000, telegram=off, twilio=1/2",
    )
    container = build_container(settings)
    try:
        send_rate = container.delivery_handlers()(None).send_rate
        assert send_rate("whatsapp_cloud") == SendRate(1000)
        assert send_rate("telegram") is None
        assert send_rate("twilio") == SendRate(1, per_seconds=2.0)
        assert (
            send_rate("whatsapp_360dialog")
            == container.registry().get("whatsapp_360dialog").send_rate
        )
    finally:
        container.shutdown_resources()


@pytest.mark.parametrize(
    "text",
    ["telegram", "telegram=", "=5", "telegram=0", "telegram=-3", "telegram=fast", "telegram=2.5",
     "telegram=1/0", "telegram=1/nan", "telegram=1/inf", "telegram=1/x"],
)  # fmt: skip
def test_a_send_rate_that_is_not_one_is_refused_at_start(text: str) -> None:
    with pytest.raises(ValidationError, match=r"channel_type=N|N sends"):
        Settings(send_rates=text)


def test_a_send_rate_for_no_known_channel_type_stops_the_start(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=sqlite_url, state_dir=tmp_path, send_rates="whatsap=10")
    with pytest.raises(RuntimeError, match="CHANNELHUB_SEND_RATES names no channel type whatsap"):
        build_container(settings)


def test_an_empty_setting_changes_nothing() -> None:
    assert parse_send_rates("") == {} == parse_send_rates(" , ")
