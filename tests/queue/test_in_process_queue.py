"""The in-process delivery queue: the shared contract, plus what only this adapter promises."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from adapters.contracts.delivery_queue import DeliveryQueueContract, RecordingHandler
from adapters.outbound.queue.in_process import InProcessDeliveryQueue
from application.delivery import DeliveryOutcome

WAIT = 30.0


class TestInProcessDeliveryQueueContract(DeliveryQueueContract):
    @pytest.fixture
    def make_queue(self) -> Any:
        def make(make_handler: Any, *, concurrency: int) -> InProcessDeliveryQueue:
            return InProcessDeliveryQueue(make_handler, concurrency=concurrency)

        return make


@pytest.fixture
def queues() -> Any:
    made: list[InProcessDeliveryQueue] = []

    def make(make_handler: Any, **kwargs: Any) -> InProcessDeliveryQueue:
        queue = InProcessDeliveryQueue(make_handler, **kwargs)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        queue.stop(WAIT)


def test_handlers_share_one_pooled_session_that_stop_closes(queues: Any) -> None:
    handler = RecordingHandler()
    queue = queues(handler.make_handler)
    queue.start()
    for message_id in ("a", "b", "c"):
        queue.enqueue(message_id)
    assert queue.wait_idle(WAIT)
    [session] = handler.sessions
    assert isinstance(session, aiohttp.ClientSession)
    assert not session.closed
    queue.stop(WAIT)
    assert session.closed


def test_on_start_runs_once_and_may_enqueue_like_recovery(queues: Any) -> None:
    handler = RecordingHandler()
    runs: list[str] = []

    def recover() -> None:
        runs.append(threading.current_thread().name)
        queue.enqueue("left-pending-by-a-crash")

    queue = queues(handler.make_handler, on_start=recover)
    queue.start()
    assert queue.wait_idle(WAIT)
    assert len(runs) == 1
    assert handler.calls == Counter(["left-pending-by-a-crash"])


def test_work_enqueued_before_start_is_handled_after_start(queues: Any) -> None:
    handler = RecordingHandler()
    queue = queues(handler.make_handler)
    queue.enqueue("early")
    assert handler.calls == Counter()
    queue.start()
    assert queue.wait_idle(WAIT)
    assert handler.calls == Counter(["early"])


def test_delayed_work_runs_when_its_time_comes(queues: Any) -> None:
    handled = threading.Event()

    def make_handler(session: Any) -> Any:
        async def handle(message_id: str) -> DeliveryOutcome:
            handled.set()
            return DeliveryOutcome("sent")

        return handle

    queue = queues(make_handler)
    queue.start()
    queue.enqueue("soon", not_before=datetime.now(UTC) + timedelta(milliseconds=50))
    assert handled.wait(WAIT)


def test_concurrency_is_used_up_to_the_bound(queues: Any) -> None:
    running = 0
    peak = 0

    def make_handler(session: Any) -> Any:
        all_in = asyncio.Event()  # made on the worker loop

        async def handle(message_id: str) -> DeliveryOutcome:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            if running == 3:
                all_in.set()
            # With fewer than three slots this never wakes, and wait_idle below times out.
            await all_in.wait()
            running -= 1
            return DeliveryOutcome("sent")

        return handle

    queue = queues(make_handler, concurrency=3)
    queue.start()
    for n in range(9):
        queue.enqueue(f"m{n}")
    assert queue.wait_idle(WAIT)
    assert peak == 3


def test_a_retry_far_ahead_neither_runs_early_nor_holds_up_stop(queues: Any) -> None:
    def later(message_id: str, attempt: int) -> DeliveryOutcome:
        return DeliveryOutcome("retry", retry_at=datetime.now(UTC) + timedelta(hours=1))

    handler = RecordingHandler(later)
    queue = queues(handler.make_handler)
    queue.start()
    queue.enqueue("m1")
    assert queue.wait_idle(WAIT)
    queue.stop(WAIT)
    assert handler.calls == Counter(["m1"])


def test_enqueue_after_stop_is_left_for_recovery(queues: Any) -> None:
    handler = RecordingHandler()
    queue = queues(handler.make_handler)
    queue.start()
    queue.stop(WAIT)
    queue.enqueue("too-late")
    assert queue.wait_idle(WAIT)
    assert handler.calls == Counter()


def test_stop_without_start_forgets_the_backlog(queues: Any) -> None:
    queue = queues(RecordingHandler().make_handler)
    queue.enqueue("never-started")
    queue.stop(WAIT)
    assert queue.wait_idle(WAIT)


def test_a_handler_factory_that_fails_makes_start_fail(queues: Any) -> None:
    def broken(session: Any) -> Any:
        raise LookupError("no such channel registry")

    queue = queues(broken)
    with pytest.raises(RuntimeError) as caught:
        queue.start()
    assert isinstance(caught.value.__cause__, LookupError)


def test_a_queue_starts_once(queues: Any) -> None:
    queue = queues(RecordingHandler().make_handler)
    queue.start()
    with pytest.raises(RuntimeError):
        queue.start()


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError):
        InProcessDeliveryQueue(RecordingHandler().make_handler, concurrency=0)


def test_a_failed_start_forgets_work_queued_before_it(queues: Any) -> None:
    def broken(session: Any) -> Any:
        raise LookupError("no such channel registry")

    queue = queues(broken)
    queue.enqueue("early")
    with pytest.raises(RuntimeError):
        queue.start()
    assert queue.wait_idle(WAIT)


def test_enqueue_never_raises_when_the_worker_has_died(queues: Any) -> None:
    queue = queues(RecordingHandler().make_handler)
    queue.start()
    assert queue._loop is not None
    queue._loop.call_soon_threadsafe(queue._loop.stop)  # simulates a crashed worker loop
    assert queue._thread is not None
    queue._thread.join(WAIT)
    queue.enqueue("after-the-crash")
    assert queue.wait_idle(WAIT)
    queue.stop(WAIT)
