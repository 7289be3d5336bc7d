"""The embedded delivery queue: one worker thread, one long-lived event loop, one HTTP pool.

Nothing here is durable on purpose: a message waits in the database as `pending` with its
`next_attempt_at`, so whatever this queue holds when the process dies (a timer for a retry, a
job not yet run) is found again by `RecoverPendingDeliveries`, which `on_start` runs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from adapters.outbound.http_client import create_client_session
from application.delivery import DeliveryOutcome

log = logging.getLogger(__name__)

Handler = Callable[[str], Awaitable[DeliveryOutcome]]
HandlerFactory = Callable[[aiohttp.ClientSession], Handler]

# A "retry" outcome without a time (a handler bug) must not turn into a busy loop.
FALLBACK_RETRY_DELAY = timedelta(seconds=1)

_NEW, _RUNNING, _STOPPING, _STOPPED = "new", "running", "stopping", "stopped"


class InProcessDeliveryQueue:
    """`DeliveryQueue` for one process. `enqueue` may be called from any thread.

    `make_handler(session)` runs on the worker loop once, with the worker's pooled session, and
    returns the coroutine function that delivers one message id (`DeliverMessage`).
    """

    def __init__(
        self,
        make_handler: HandlerFactory,
        *,
        concurrency: int = 8,
        on_start: Callable[[], Any] | None = None,
        create_session: Callable[[], aiohttp.ClientSession] = create_client_session,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        name: str = "delivery",
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._name = name
        self._make_handler = make_handler
        self._on_start = on_start
        self._create_session = create_session
        self._now = now
        # Guards the state, the backlog and `_busy`; wait_idle waits on it.
        self._cond = threading.Condition()
        self._state = _NEW
        # Work accepted and not finished: queued, waiting for a slot, or running. Timers for a
        # future `not_before` are not counted: idle means "nothing to do now".
        self._busy = 0
        self._backlog: list[tuple[str, datetime | None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._drain_timeout = 30.0
        # Both bind to the worker loop on first use.
        self._stop_requested = asyncio.Event()
        self._semaphore = asyncio.Semaphore(concurrency)
        self._handler: Handler | None = None

    # -- any thread -------------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            if self._thread is not None:
                raise RuntimeError("the delivery queue was already started")
            self._thread = threading.Thread(
                target=self._run, name=f"channelhub-{self._name}", daemon=True
            )
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            self._forget_all()
            raise RuntimeError("the delivery queue could not start") from self._startup_error

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None:
        with self._cond:
            if self._state in (_STOPPING, _STOPPED):
                log.warning("delivery queue stopped; message %s waits for recovery", message_id)
                return
            self._busy += 1
            if self._state == _NEW:
                self._backlog.append((message_id, not_before))
                return
            assert self._loop is not None
            # Posted under the lock, so nothing can slip in after stop() has posted its signal.
            if not self._post(self._accept, message_id, not_before):
                self._busy -= 1
                log.error("delivery worker is gone; message %s waits for recovery", message_id)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Whether everything due now was handled (future `not_before` work does not count)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Let running and queued work finish (up to `timeout`), then close the pool."""
        with self._cond:
            if self._state == _NEW:
                self._forget_all()
                return
            if self._state != _RUNNING:
                return
            self._state = _STOPPING
            self._drain_timeout = timeout
            self._post(self._stop_requested.set)
        assert self._thread is not None
        self._thread.join(timeout + 5.0)
        if self._thread.is_alive():
            log.warning("the delivery worker did not stop within %.1f seconds", timeout)
        with self._cond:
            self._state = _STOPPED

    def _forget_all(self) -> None:
        """Never ran: what waits in the backlog is still pending in the database."""
        with self._cond:
            self._state, self._backlog, self._busy = _STOPPED, [], 0
            self._cond.notify_all()

    def _post(self, callback: Callable[..., Any], *args: Any) -> bool:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the worker crashed
            return False
        return True

    # -- the worker loop --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # the thread must report instead of dying silently
            log.exception("the delivery worker crashed")
            self._startup_error = self._startup_error or exc
        finally:
            self._ready.set()

    async def _main(self) -> None:
        session = self._create_session()
        try:
            try:
                self._handler = self._make_handler(session)
            except BaseException as exc:
                self._startup_error = exc
                return
            with self._cond:
                self._loop = asyncio.get_running_loop()
                self._state = _RUNNING
                backlog, self._backlog = self._backlog, []
                if self._on_start is not None:
                    self._busy += 1
            for message_id, not_before in backlog:
                self._accept(message_id, not_before)
            if self._on_start is not None:
                self._track(self._run_on_start(self._on_start))
            self._ready.set()
            await self._stop_requested.wait()
            await self._drain()
        finally:
            await session.close()

    async def _run_on_start(self, on_start: Callable[[], Any]) -> None:
        try:
            # It does database work (RecoverPendingDeliveries): keep it off the loop.
            await asyncio.to_thread(on_start)
        except Exception:
            log.exception("the delivery queue's on_start failed")
        finally:
            self._finish_one()

    def _accept(self, message_id: str, not_before: datetime | None) -> None:
        """Run now or set a timer; the caller has counted this item as busy."""
        delay = self._seconds_until(not_before)
        if delay <= 0:
            # Even while stopping: it was accepted before stop(), so the drain covers it.
            self._track(self._deliver(message_id))
            return
        if self._state == _RUNNING:
            asyncio.get_running_loop().call_later(delay, self._wake, message_id)
        self._finish_one()

    def _wake(self, message_id: str) -> None:
        with self._cond:
            if self._state != _RUNNING:
                return
            self._busy += 1
        self._track(self._deliver(message_id))

    def _track(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message_id: str) -> None:
        assert self._handler is not None
        try:
            async with self._semaphore:
                outcome = await self._handler(message_id)
            if outcome.status == "retry":
                self._retry(message_id, outcome.retry_at)
        except Exception:
            log.exception("delivering message %s raised", message_id)
        finally:
            self._finish_one()

    def _retry(self, message_id: str, retry_at: datetime | None) -> None:
        with self._cond:
            if self._state != _RUNNING:
                # Its next_attempt_at is in the database; recovery picks it up on next start.
                return
            self._busy += 1
        self._accept(message_id, retry_at or self._now() + FALLBACK_RETRY_DELAY)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._drain_timeout
        while self._tasks and (remaining := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=remaining)
        if self._tasks:
            log.warning("cancelling %d deliveries still running at stop", len(self._tasks))
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _finish_one(self) -> None:
        with self._cond:
            self._busy -= 1
            if self._busy == 0:
                self._cond.notify_all()

    def _seconds_until(self, when: datetime | None) -> float:
        if when is None:
            return 0.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return (when - self._now()).total_seconds()
