"""A channel's send rate: sends beyond it wait their turn, as neither attempt nor error."""

from __future__ import annotations

from datetime import timedelta

from application.delivery import RetryPolicy
from domain.channels import SendRate
from domain.messages import MessageStatus
from tests.application.test_send_and_deliver import deliver as deliver_once
from tests.application.test_send_and_deliver import incoming, send, stored

RATE = SendRate(2, per_seconds=1.0)


class ScriptedLimiter:
    """Grants the first `grants` sends, then asks to wait `wait` seconds; records every call."""

    def __init__(self, grants: int, wait: float = 0.4) -> None:
        self.grants = grants
        self.wait = wait
        self.calls: list[tuple[str, SendRate, str]] = []

    def reserve(self, key: str, rate: SendRate, ticket: str) -> float:
        self.calls.append((key, rate, ticket))
        if self.grants > 0:
            self.grants -= 1
            return 0.0
        return self.wait


def deliver(world, message_id, limiter, rate=RATE):
    return deliver_once(world, message_id, limiter=limiter, send_rate=lambda channel_type: rate)


def attempts(world, message_id):
    with world.uow_factory() as uow:
        return uow.messages.get(world.account_id, message_id).delivery_attempts


def replies(world, count):
    conversation = incoming(world)
    return [send(world, conversation.id, {"content": f"reply {n}"}) for n in range(count)]


def test_sends_within_the_rate_go_out_and_draw_on_the_inboxs_allowance(world):
    limiter = ScriptedLimiter(grants=2)
    first, second = replies(world, 2)
    world.sender.script = ["p-1", "p-2"]
    assert deliver(world, first.id, limiter).status == "sent"
    assert deliver(world, second.id, limiter).status == "sent"
    # Each send asks for its place under its own message id, on the inbox's line.
    assert limiter.calls == [(world.inbox.id, RATE, first.id), (world.inbox.id, RATE, second.id)]


def test_a_send_beyond_the_rate_waits_for_its_place_without_counting_an_attempt(world):
    limiter = ScriptedLimiter(grants=0, wait=0.4)
    [reply] = replies(world, 1)
    now = world.clock.now()
    outcome = deliver(world, reply.id, limiter)
    assert outcome.status == "retry"
    assert outcome.retry_at == now + timedelta(seconds=0.4)
    assert world.sender.sent == []
    after = stored(world, reply.id)
    assert (after.status, after.external_error) == (MessageStatus.PENDING, None)
    assert attempts(world, reply.id) == 0


def test_a_held_back_send_goes_out_once_due_and_its_allowance_is_there(world):
    limiter = ScriptedLimiter(grants=0)
    [reply] = replies(world, 1)
    held = deliver(world, reply.id, limiter)
    assert deliver(world, reply.id, limiter).status == "skipped"  # not due yet
    world.clock.set(held.retry_at)
    limiter.grants = 1
    world.sender.script = ["p-1"]
    assert deliver(world, reply.id, limiter).status == "sent"
    assert attempts(world, reply.id) == 1
    assert stored(world, reply.id).source_id == "p-1"
    assert {ticket for _, _, ticket in limiter.calls} == {reply.id}


def test_holding_back_never_uses_up_the_retry_budget(world):
    limiter = ScriptedLimiter(grants=0)
    [reply] = replies(world, 1)
    for _ in range(RetryPolicy().max_attempts + 2):
        held = deliver(world, reply.id, limiter)
        assert held.status == "retry"
        world.clock.set(held.retry_at)
    assert stored(world, reply.id).status is MessageStatus.PENDING
    assert attempts(world, reply.id) == 0


def test_a_channel_without_a_send_rate_never_asks_the_limiter(world):
    limiter = ScriptedLimiter(grants=0)
    [reply] = replies(world, 1)
    world.sender.script = ["p-1"]
    assert deliver(world, reply.id, limiter, rate=None).status == "sent"
    assert limiter.calls == []
