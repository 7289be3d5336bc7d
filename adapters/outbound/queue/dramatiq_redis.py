"""The distributed delivery queue: Dramatiq on Redis, for worker processes on many machines.

`channelhub serve` only enqueues; `channelhub worker` processes consume. The worker side runs
the same handlers as the in-process queue: `make_handler(session)` is called once, on this
queue's own event loop, with one pooled aiohttp session; each Dramatiq worker thread waits on one
handler call at a time, so `concurrency` threads mean at most that many calls in flight.

Retries are not Dramatiq's. A handler that raises may already have reached the provider, so its
message is never repeated (the broker has no Retries middleware). A `"retry"` outcome is sent
again with a delay up to its `retry_at`, before the current message is acknowledged, so the work
is never missing from Redis in between. The database stays the ledger (`next_attempt_at`, delivery
claims): a copy that arrives twice or early is skipped by `DeliverMessage`'s claim.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis, dq_name

from adapters.outbound.http_client import create_client_session
from application.delivery import DeliveryOutcome

log = logging.getLogger(__name__)

Handler = Callable[[str], Awaitable[DeliveryOutcome]]
HandlerFactory = Callable[[aiohttp.ClientSession], Handler]
T = TypeVar("T")

DEFAULT_NAMESPACE = "channelhub"
# The longest an idle consumer sleeps between looks at Redis: the pick-up latency of new work.
POLL_MILLISECONDS = 100
IDLE_POLL_SECONDS = 0.02
# A "retry" outcome without a time (a handler bug) must not turn into a busy loop.
FALLBACK_RETRY_DELAY = timedelta(seconds=1)


def split_namespace(url: str) -> tuple[str, str]:
    """`redis://host:port/db?namespace=name` -> (the URL without it, name or `channelhub`).

    The namespace prefixes every key channelhub keeps in Redis, so several deployments or test
    runs can share one Redis database."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    namespace = next((value for key, value in query if key == "namespace"), DEFAULT_NAMESPACE)
    rest = urlencode([(key, value) for key, value in query if key != "namespace"])
    return urlunsplit(parts._replace(query=rest)), namespace


def redis_broker(url: str) -> RedisBroker:
    """A broker for `redis://host:port/db`, its keys under the URL's namespace."""
    plain, namespace = split_namespace(url)
    # No middleware at all: no Dramatiq retries, time limits or age limits (see the docstring).
    return RedisBroker(  # type: ignore[no-untyped-call]
        url=plain, namespace=namespace, middleware=[]
    )


class DramatiqDeliveryQueue:
    """`DeliveryQueue` on one Dramatiq queue (`name`). `enqueue` is safe from any thread and is
    all a producer (`serve`) uses; `start()` makes this process a worker of the queue."""

    def __init__(
        self,
        make_handler: HandlerFactory,
        *,
        url: str,
        name: str = "delivery",
        concurrency: int = 8,
        create_session: Callable[[], aiohttp.ClientSession] = create_client_session,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.name = name
        self._make_handler = make_handler
        self._concurrency = concurrency
        self._create_session = create_session
        self._now = now
        # Building the broker and the actor does no I/O: a producer connects on its first send.
        self.broker = redis_broker(url)
        self._actor: dramatiq.Actor[[str], None] = dramatiq.Actor(
            self._perform,
            broker=self.broker,
            actor_name=f"channelhub.{name}",
            queue_name=name,
            priority=0,
            options={},
        )
        self._lock = threading.Lock()
        self._state = "new"  # new, running, stopped
        self._worker: dramatiq.Worker | None = None
        self._loop: _LoopThread | None = None
        self._session: aiohttp.ClientSession | None = None
        self._handler: Handler | None = None

    # -- the producer side ------------------------------------------------------------------

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None:
        try:
            self._actor.send_with_options(args=(message_id,), delay=self._delay_ms(not_before))
        except redis.RedisError as exc:
            # The caller has committed already; the work waits in the database for recovery.
            log.error("the %s queue did not take %s: %s", self.name, message_id, exc)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Whether nothing is due now in Redis, queued or running (on any worker); work
        delayed to a future time does not count."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._due_now() > 0:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(IDLE_POLL_SECONDS)
        return True

    def _due_now(self) -> int:
        # Dramatiq's Redis layout: `<ns>:<queue>.msgs` holds every message not yet acknowledged
        # (waiting or running); the delay queue's messages carry their due time as `eta`.
        client, namespace = self.broker.client, self.broker.namespace
        waiting_or_running = int(client.hlen(f"{namespace}:{self.name}.msgs"))
        if waiting_or_running:
            return waiting_or_running  # busy: no need to read the delayed ones too
        now = current_millis()
        delayed = cast(list[bytes], client.hvals(f"{namespace}:{dq_name(self.name)}.msgs"))
        return len([data for data in delayed if _eta(data) <= now])

    def _delay_ms(self, not_before: datetime | None) -> int | None:
        if not_before is None:
            return None
        if not_before.tzinfo is None:
            not_before = not_before.replace(tzinfo=UTC)
        seconds = (not_before - self._now()).total_seconds()
        # Rounded up, plus a millisecond for Dramatiq's truncated clock: a copy that arrives
        # before the message's `next_attempt_at` would be skipped by the claim.
        return math.ceil(seconds * 1000) + 1 if seconds > 0 else None

    # -- the worker side --------------------------------------------------------------------

    def start(self) -> None:
        """Consume this queue here: one event loop and session, `concurrency` worker threads."""
        with self._lock:
            if self._state != "new":
                raise RuntimeError(f"the {self.name} queue was already started")
            self._state = "running"
        try:
            self.broker.client.ping()
        except redis.RedisError as exc:
            self._state = "stopped"
            raise RuntimeError(f"the {self.name} queue cannot reach Redis: {exc}") from exc
        self._loop = _LoopThread(f"channelhub-{self.name}")
        try:
            self._handler = self._loop.run(self._open())
        except BaseException as exc:
            self._state = "stopped"
            self._loop.close(self._close_session())
            raise RuntimeError(f"the {self.name} queue could not start") from exc
        self._worker = dramatiq.Worker(
            self.broker,
            queues={self.name},
            worker_threads=self._concurrency,
            worker_timeout=POLL_MILLISECONDS,
        )
        self._worker.start()
        log.info("consuming the %s queue with %d threads", self.name, self._concurrency)

    def stop(self, timeout: float = 30.0) -> None:
        """Let the work due now finish (up to `timeout`), then stop consuming; what is still
        waiting or delayed stays in Redis for the other workers, or for the next start."""
        with self._lock:
            state, self._state = self._state, "stopped"
        if state == "running":
            deadline = time.monotonic() + timeout
            try:
                if not self.wait_idle(timeout):
                    log.warning("stopping the %s worker with work still due", self.name)
            except redis.RedisError as exc:  # nothing to wait for: stop all the same
                log.warning("stopping the %s worker without Redis: %s", self.name, exc)
            assert self._worker is not None and self._loop is not None
            self._worker.stop(timeout=int(max(deadline - time.monotonic(), 1.0) * 1000))
            self._loop.close(self._close_session())
        self.broker.client.connection_pool.disconnect()

    async def _open(self) -> Handler:
        self._session = self._create_session()
        return self._make_handler(self._session)

    async def _close_session(self) -> None:
        # Anything still running here outlived the stop timeout: cancel it before the pool goes.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def _perform(self, message_id: str) -> None:
        """The actor: runs on a Dramatiq worker thread, which waits for the handler."""
        assert self._handler is not None and self._loop is not None
        try:
            outcome = self._loop.run(self._handler(message_id))
        except (Exception, asyncio.CancelledError):
            # Not repeated: the provider may already have it (a crash mid-send is recovered
            # from the database once the delivery claim expires).
            log.exception("handling %s on the %s queue raised", message_id, self.name)
            return
        if outcome.status == "retry":
            self.enqueue(message_id, outcome.retry_at or self._now() + FALLBACK_RETRY_DELAY)


class _LoopThread:
    """One event loop on a thread of its own; other threads hand it coroutines and wait."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, work: Coroutine[Any, Any, T] | Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(_awaited(work), self.loop).result()

    def close(self, last: Coroutine[Any, Any, None]) -> None:
        try:
            self.run(last)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
            self.loop.close()


def _eta(data: bytes) -> int:
    return int(dramatiq.Message.decode(data).options.get("eta", 0))


async def _awaited(work: Awaitable[T]) -> T:
    """Handlers are awaitables (a use case's `__call__`), not always coroutine objects."""
    return await work
