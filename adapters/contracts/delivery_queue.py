"""The contract a `DeliveryQueue` adapter keeps, whatever carries the work.

Subclass it and provide the `make_queue` fixture: a callable
`make_queue(make_handler, *, concurrency) -> queue`, where `make_handler(session)` returns the
coroutine function that handles one message id (as `DeliverMessage` does) and the queue offers
`start()`, `enqueue(message_id, not_before=None)`, `wait_idle(timeout) -> bool` (everything due
now was handled) and `stop(timeout)` (running and queued work finishes first; a second call is
harmless). The suite starts each queue and stops it afterwards.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest

from application.delivery import DeliveryOutcome

WAIT_SECONDS = 30.0


class QueueUnderTest(Protocol):
    def start(self) -> None: ...

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...

    def stop(self, timeout: float = ...) -> None: ...


Handler = Callable[[str], Awaitable[DeliveryOutcome]]
Decide = Callable[[str, int], DeliveryOutcome]
QueueFactory = Callable[..., QueueUnderTest]


def always_sent(message_id: str, attempt: int) -> DeliveryOutcome:
    return DeliveryOutcome("sent")


class RecordingHandler:
    """Counts every call per id and how many ran at once; `decide` picks each outcome."""

    def __init__(self, decide: Decide = always_sent, pause: float = 0.0) -> None:
        self.decide = decide
        self.pause = pause
        self.calls: Counter[str] = Counter()
        self.running = 0
        self.most_running = 0
        self.sessions: list[Any] = []
        self._lock = threading.Lock()

    def make_handler(self, session: Any) -> Handler:
        self.sessions.append(session)
        return self.handle

    async def handle(self, message_id: str) -> DeliveryOutcome:
        with self._lock:
            self.calls[message_id] += 1
            attempt = self.calls[message_id]
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            # Yield to the loop even with no pause, so that concurrent handlers can overlap.
            await asyncio.sleep(self.pause)
            return self.decide(message_id, attempt)
        finally:
            with self._lock:
                self.running -= 1


def ids(count: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


class DeliveryQueueContract:
    @pytest.fixture
    def started(self, make_queue: QueueFactory) -> Iterator[Callable[..., QueueUnderTest]]:
        queues: list[QueueUnderTest] = []

        def start(handler: RecordingHandler, concurrency: int = 4) -> QueueUnderTest:
            queue = make_queue(handler.make_handler, concurrency=concurrency)
            queues.append(queue)
            queue.start()
            return queue

        yield start
        for queue in queues:
            queue.stop(WAIT_SECONDS)

    def test_every_enqueued_id_is_handled_once(self, started: Callable[..., Any]) -> None:
        handler = RecordingHandler()
        queue = started(handler)
        for message_id in ids(50):
            queue.enqueue(message_id)
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter(ids(50))

    def test_a_retry_outcome_is_handled_again(self, started: Callable[..., Any]) -> None:
        def retry_once(message_id: str, attempt: int) -> DeliveryOutcome:
            if attempt == 1:
                return DeliveryOutcome("retry", retry_at=datetime.now(UTC), error="busy")
            return DeliveryOutcome("sent")

        handler = RecordingHandler(retry_once)
        queue = started(handler)
        for message_id in ids(10):
            queue.enqueue(message_id)
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter({message_id: 2 for message_id in ids(10)})

    def test_work_not_before_a_future_time_waits(self, started: Callable[..., Any]) -> None:
        handler = RecordingHandler()
        queue = started(handler)
        queue.enqueue("later", not_before=datetime.now(UTC) + timedelta(hours=1))
        queue.enqueue("overdue", not_before=datetime.now(UTC) - timedelta(minutes=1))
        queue.enqueue("now")
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter(["overdue", "now"])

    def test_concurrency_never_exceeds_the_bound(self, started: Callable[..., Any]) -> None:
        handler = RecordingHandler(pause=0.005)
        queue = started(handler, concurrency=3)
        for message_id in ids(30):
            queue.enqueue(message_id)
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter(ids(30))
        assert 1 <= handler.most_running <= 3

    def test_enqueue_is_safe_from_many_threads(self, started: Callable[..., Any]) -> None:
        handler = RecordingHandler()
        queue = started(handler, concurrency=8)
        go = threading.Barrier(8)

        def producer(prefix: str) -> None:
            go.wait()
            for message_id in ids(40, prefix):
                queue.enqueue(message_id)

        threads = [threading.Thread(target=producer, args=(f"t{n}-",)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter(i for n in range(8) for i in ids(40, f"t{n}-"))

    def test_a_failing_handler_does_not_stop_the_queue(self, started: Callable[..., Any]) -> None:
        def explode_on_odd(message_id: str, attempt: int) -> DeliveryOutcome:
            if int(message_id[1:]) % 2:
                raise RuntimeError("handler bug")
            return DeliveryOutcome("sent")

        handler = RecordingHandler(explode_on_odd)
        queue = started(handler)
        for message_id in ids(10):
            queue.enqueue(message_id)
        assert queue.wait_idle(WAIT_SECONDS)
        queue.enqueue("m100")
        assert queue.wait_idle(WAIT_SECONDS)
        assert handler.calls == Counter([*ids(10), "m100"])

    def test_stop_lets_queued_work_finish(self, started: Callable[..., Any]) -> None:
        handler = RecordingHandler(pause=0.01)
        queue = started(handler, concurrency=2)
        for message_id in ids(20):
            queue.enqueue(message_id)
        queue.stop(WAIT_SECONDS)
        assert handler.calls == Counter(ids(20))
        queue.stop(WAIT_SECONDS)
