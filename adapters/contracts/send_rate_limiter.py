"""The contract a `SendRateLimiter` adapter keeps (application/ports.py).

Subclass it and provide the `limiter` fixture: the adapter under test. Every test uses keys and
tickets of its own. What `DeliverMessage` relies on: a quiet inbox sends `rate.sends` messages at
once; beyond that each send is given a place, later places later, and within any span of
`rate.per_seconds` no more than twice the rate goes; a send that comes back when its place comes
goes through without taking another place. How an adapter lays its places out (evenly spaced,
windows on the clock) is its own choice.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest

from application.ports import SendRateLimiter
from domain.channels import SendRate

HOUR = 3600.0
# How much earlier than its place a send may be let through (clocks in different processes).
EARLY = 0.1


def fresh(kind: str = "inbox") -> str:
    return f"{kind}-{uuid.uuid4().hex}"


class SendRateLimiterContract:
    @pytest.fixture
    def limiter(self) -> SendRateLimiter:
        raise NotImplementedError("provide the `limiter` fixture")

    def test_a_quiet_inbox_sends_the_rate_at_once_and_later_sends_get_later_places(
        self, limiter: SendRateLimiter
    ) -> None:
        key, rate = fresh(), SendRate(3, per_seconds=HOUR)
        waits = [limiter.reserve(key, rate, fresh("send")) for _ in range(6)]
        assert waits[:3] == [0.0, 0.0, 0.0]
        held = waits[3:]
        assert all(wait > 0.0 for wait in held)
        assert held == sorted(held) and len(set(held)) == len(held)

    def test_no_span_of_the_rates_length_holds_more_than_twice_the_rate(
        self, limiter: SendRateLimiter
    ) -> None:
        key, rate = fresh(), SendRate(4, per_seconds=HOUR)
        asked_at = time.monotonic()
        goes_at = sorted(limiter.reserve(key, rate, fresh("send")) for _ in range(40))
        for first, at in enumerate(goes_at):
            in_span = [later for later in goes_at[first:] if later < at + rate.per_seconds]
            assert len(in_span) <= 2 * rate.sends, (asked_at, goes_at)

    def test_inboxes_do_not_share_an_allowance(self, limiter: SendRateLimiter) -> None:
        rate = SendRate(1, per_seconds=HOUR)
        first, second = fresh(), fresh()
        assert limiter.reserve(first, rate, fresh("send")) == 0.0
        assert limiter.reserve(first, rate, fresh("send")) > 0.0
        assert limiter.reserve(second, rate, fresh("send")) == 0.0

    def test_asking_again_before_its_place_comes_keeps_the_same_place(
        self, limiter: SendRateLimiter
    ) -> None:
        key, rate = fresh(), SendRate(1, per_seconds=HOUR)
        assert limiter.reserve(key, rate, fresh("send")) == 0.0
        held, next_one = fresh("send"), fresh("send")
        first_wait = limiter.reserve(key, rate, held)
        again = limiter.reserve(key, rate, held)
        assert 0.0 < again <= first_wait
        assert first_wait - again < 60  # the same place, not one further back
        # Asking twice took one place: the next send's place is right behind it.
        assert limiter.reserve(key, rate, next_one) - again == pytest.approx(HOUR, abs=60)

    def test_a_send_that_comes_back_when_its_place_comes_goes_without_taking_another(
        self, limiter: SendRateLimiter
    ) -> None:
        key, rate = fresh(), SendRate(1, per_seconds=0.5)
        assert limiter.reserve(key, rate, fresh("send")) == 0.0
        held = fresh("send")
        wait = limiter.reserve(key, rate, held)
        assert 0.0 < wait <= rate.per_seconds + EARLY
        time.sleep(wait)
        assert limiter.reserve(key, rate, held) == 0.0
        # Its place was the one used: the next send waits one spacing, not two.
        assert limiter.reserve(key, rate, fresh("send")) <= rate.per_seconds + EARLY

    def test_concurrent_senders_get_the_rate_at_once_and_a_place_each(
        self, limiter: SendRateLimiter
    ) -> None:
        key, rate = fresh(), SendRate(5, per_seconds=HOUR)
        start = threading.Barrier(8)

        def burst(_: int) -> list[float]:
            start.wait()
            return [limiter.reserve(key, rate, fresh("send")) for _ in range(10)]

        with ThreadPoolExecutor(8) as pool:
            waits = [wait for waits in pool.map(burst, range(8)) for wait in waits]
        assert waits.count(0.0) == 5
        held = sorted(wait for wait in waits if wait > 0)
        assert len(held) == 75
        # One place each: no two sends were given the same one.
        spacing = rate.per_seconds / rate.sends
        assert all(later - earlier > spacing / 2 for earlier, later in pairwise(held))
