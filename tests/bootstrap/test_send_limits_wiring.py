"""Deliveries draw on each inbox's send rate: per process by default, shared through Redis."""

from __future__ import annotations

from pathlib import Path

from adapters.contracts.send_rate_limiter import fresh
from bootstrap.runtime import build_container
from bootstrap.settings import Settings
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
