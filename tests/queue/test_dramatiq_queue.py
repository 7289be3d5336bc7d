"""The Dramatiq-on-Redis queue: the shared contract on a real Redis, plus what the distributed
engine adds (a producer that only enqueues, work that outlives a worker, no blind retries)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from adapters.contracts.delivery_queue import DeliveryQueueContract, RecordingHandler
from adapters.outbound.queue.dramatiq_redis import DramatiqDeliveryQueue
from application.delivery import DeliveryOutcome

WAIT = 30.0


class TestDramatiqDeliveryQueueContract(DeliveryQueueContract):
    @pytest.fixture
    def make_queue(self, redis_queue_url: str) -> Any:
        def make(make_handler: Any, *, concurrency: int) -> DramatiqDeliveryQueue:
            return DramatiqDeliveryQueue(make_handler, url=redis_queue_url, concurrency=concurrency)

        return make


@pytest.fixture
def queues(redis_queue_url: str) -> Iterator[Any]:
    made: list[DramatiqDeliveryQueue] = []

    def make(make_handler: Any, **kwargs: Any) -> DramatiqDeliveryQueue:
        queue = DramatiqDeliveryQueue(make_handler, url=redis_queue_url, **kwargs)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        queue.stop(WAIT)


def test_a_producer_only_enqueues_and_a_worker_elsewhere_handles_it(queues: Any) -> None:
    producer_side, worker_side = RecordingHandler(), RecordingHandler()
    producer = queues(producer_side.make_handler)  # never started, as in `serve`
    producer.enqueue("m1")
    producer.enqueue("m2", not_before=datetime.now(UTC) - timedelta(seconds=1))
    assert not producer.wait_idle(0.3)  # it is in Redis, and no one consumes it yet
    worker = queues(worker_side.make_handler)
    worker.start()
    assert producer.wait_idle(WAIT)
    assert producer_side.calls == Counter()
    assert worker_side.calls == Counter(["m1", "m2"])


def test_handlers_share_one_pooled_session_that_stop_closes(queues: Any) -> None:
    handler = RecordingHandler()
    queue = queues(handler.make_handler, concurrency=4)
    queue.start()
    for message_id in ("a", "b", "c"):
        queue.enqueue(message_id)
    assert queue.wait_idle(WAIT)
    [session] = handler.sessions
    assert isinstance(session, aiohttp.ClientSession)
    queue.stop(WAIT)
    assert session.closed


def test_delayed_work_outlives_the_worker_that_held_it(queues: Any) -> None:
    first, second = RecordingHandler(), RecordingHandler()
    queue = queues(first.make_handler)
    queue.start()
    queue.enqueue("soon", not_before=datetime.now(UTC) + timedelta(seconds=1))
    queue.stop(WAIT)  # the worker had it in memory: it goes back to Redis, not away
    successor = queues(second.make_handler)
    successor.start()
    deadline = datetime.now(UTC) + timedelta(seconds=WAIT)
    while not second.calls and datetime.now(UTC) < deadline:
        successor.wait_idle(0.1)
    assert (first.calls, second.calls) == (Counter(), Counter(["soon"]))


def test_a_retry_waits_until_its_time(queues: Any) -> None:
    handled_at: list[datetime] = []

    def retry_once(message_id: str, attempt: int) -> DeliveryOutcome:
        handled_at.append(datetime.now(UTC))
        if attempt == 1:
            return DeliveryOutcome("retry", retry_at=datetime.now(UTC) + timedelta(seconds=0.5))
        return DeliveryOutcome("sent")

    handler = RecordingHandler(retry_once)
    queue = queues(handler.make_handler)
    queue.start()
    queue.enqueue("m1")
    assert queue.wait_idle(WAIT)  # the retry is not due yet: idle, not handled twice
    assert handler.calls == Counter(["m1"])
    deadline = datetime.now(UTC) + timedelta(seconds=WAIT)
    while handler.calls["m1"] < 2 and datetime.now(UTC) < deadline:
        queue.wait_idle(0.1)
    assert handler.calls == Counter({"m1": 2})
    assert handled_at[1] - handled_at[0] >= timedelta(seconds=0.5)


def test_a_handler_that_raises_is_not_retried_by_dramatiq(queues: Any) -> None:
    def explode(message_id: str, attempt: int) -> DeliveryOutcome:
        raise RuntimeError("the provider may have it already")

    handler = RecordingHandler(explode)
    queue = queues(handler.make_handler)
    queue.start()
    queue.enqueue("m1")
    assert queue.wait_idle(WAIT)
    queue.stop(WAIT)
    assert handler.calls == Counter(["m1"])
    client, namespace = queue.broker.client, queue.broker.namespace
    assert client.hlen(f"{namespace}:delivery.msgs") == 0
    assert client.zcard(f"{namespace}:delivery.XQ") == 0  # acknowledged, not dead-lettered


def test_queues_with_different_names_do_not_share_work(queues: Any) -> None:
    deliveries, media = RecordingHandler(pause=0.5), RecordingHandler()
    delivery_queue = queues(deliveries.make_handler, name="delivery", concurrency=1)
    media_queue = queues(media.make_handler, name="media")
    delivery_queue.start()
    media_queue.start()
    for message_id in ("d1", "d2", "d3"):
        delivery_queue.enqueue(message_id)
    media_queue.enqueue("p1")
    assert media_queue.wait_idle(WAIT)
    assert media.calls == Counter(["p1"])
    assert deliveries.calls["d3"] == 0  # still busy with a slow backlog of its own
    assert delivery_queue.wait_idle(WAIT)
    assert deliveries.calls == Counter(["d1", "d2", "d3"])


def test_without_redis_enqueue_logs_and_start_fails_clearly(caplog: Any) -> None:
    handler = RecordingHandler()
    queue = DramatiqDeliveryQueue(handler.make_handler, url="redis://127.0.0.1:9/0")
    queue.enqueue("m1")  # after the caller's commit: the database keeps it for recovery
    assert "did not take m1" in caplog.text
    with pytest.raises(RuntimeError, match="cannot reach Redis"):
        queue.start()
    queue.stop(WAIT)


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


def test_concurrency_must_be_positive(redis_queue_url: str) -> None:
    with pytest.raises(ValueError):
        DramatiqDeliveryQueue(RecordingHandler().make_handler, url=redis_queue_url, concurrency=0)
