"""The send-rate limiters keep the SendRateLimiter contract: in process, and shared on Redis."""

from __future__ import annotations

import pytest

from adapters.contracts.send_rate_limiter import SendRateLimiterContract, fresh
from adapters.outbound.queue.send_limits import InProcessSendLimiter, RedisSendLimiter
from domain.channels import SendRate

HOUR = 3600.0


class TestInProcessSendLimiterContract(SendRateLimiterContract):
    @pytest.fixture
    def limiter(self) -> InProcessSendLimiter:
        return InProcessSendLimiter()


class TestRedisSendLimiterContract(SendRateLimiterContract):
    @pytest.fixture
    def limiter(self, redis_queue_url: str) -> RedisSendLimiter:
        return RedisSendLimiter(redis_queue_url)


def test_workers_on_one_redis_share_one_line_per_inbox(redis_queue_url: str) -> None:
    key, rate = fresh(), SendRate(2, per_seconds=HOUR)
    one, other = RedisSendLimiter(redis_queue_url), RedisSendLimiter(redis_queue_url)
    assert [one.reserve(key, rate, fresh("send")), other.reserve(key, rate, fresh("send"))] == [
        0.0,
        0.0,
    ]
    held = fresh("send")
    assert other.reserve(key, rate, held) > 0
    # A send held back by one worker keeps its place when another worker picks it up.
    assert one.reserve(key, rate, held) == pytest.approx(other.reserve(key, rate, held), abs=5)


def test_namespaces_keep_deployments_apart(redis_queue_url: str) -> None:
    # Nested in this test's own namespace, so the fixture removes its keys afterwards.
    key, rate = fresh(), SendRate(1, per_seconds=HOUR)
    staging = f"{redis_queue_url}:staging"
    assert RedisSendLimiter(redis_queue_url).reserve(key, rate, fresh("send")) == 0.0
    assert RedisSendLimiter(staging).reserve(key, rate, fresh("send")) == 0.0
    assert RedisSendLimiter(redis_queue_url).reserve(key, rate, fresh("send")) > 0.0


def test_places_nobody_came_back_for_are_forgotten_in_process() -> None:
    now = [0.0]
    limiter = InProcessSendLimiter(clock=lambda: now[0])
    rate = SendRate(1, per_seconds=1.0)
    for _ in range(10_002):
        limiter.reserve("busy", rate, fresh("send"))
    now[0] += 20_000  # long after every place came
    limiter.reserve("busy", rate, fresh("send"))
    limiter.reserve("busy", rate, fresh("send"))
    assert len(limiter._places) < 10


def test_separate_processes_without_redis_each_have_their_own_line() -> None:
    key, rate = fresh(), SendRate(1, per_seconds=HOUR)
    assert InProcessSendLimiter().reserve(key, rate, fresh("send")) == 0.0
    assert InProcessSendLimiter().reserve(key, rate, fresh("send")) == 0.0
